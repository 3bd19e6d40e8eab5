using System.Security.Cryptography;
using System.Text.Json;
using AgentSessions.Reconcile.Cli.Tests.TestSupport;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>
/// The built CLI as a real process, against a temp workspace, real tmux sessions on a private
/// socket, and fake Claude/agy homes.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReconcileEndToEndTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    private string Row(string name, string cwd, string status = "running", string extra = "") =>
        $"""
          - name: {name}
            agent: claude
            cwd: {cwd}
            status: {status}
            last_visible_status: {status}
            last_visible_note: hand-written
            created_at: 2026-11-20T10:00:00Z
            updated_at: 2026-11-20T10:00:00Z
            claude_session_id_own: null
        {extra}
        """;

    private string Registry(params string[] rows) =>
        $"version: 1\nworkspace: {ws.Name}\nsessions:\n" + string.Concat(rows);

    private CliResult Reconcile(params string[] more) =>
        ws.Run(["reconcile", "--once", "--emit-diff", "--tmux-socket", ws.Socket, .. more]);

    private static JsonElement Json(CliResult result) => ReportJson.Parse(result);

    private static JsonElement[] Drifts(JsonElement report, string cls) =>
        report.GetProperty("drifts").EnumerateArray().Where(d => d.GetProperty("class").GetString() == cls).ToArray();

    [Fact]
    public void Reconcile_RunningRowWithTmuxGone_MarkedTerminated()
    {
        var name = ws.Name + "-web-creator-claude";
        ws.StartTmux(ws.Name + "-other", ws.Root); // a live server that does not have the row's session
        ws.WriteRegistry(Registry(Row(name, ws.Project("web"))));

        var report = Json(Reconcile());

        var a = Drifts(report, "A").Should().ContainSingle().Which;
        a.GetProperty("session").GetString().Should().Be(name);
        a.GetProperty("applied").GetBoolean().Should().BeTrue();
        report.GetProperty("registry_written").GetBoolean().Should().BeTrue();
        var yaml = ws.ReadRegistry();
        yaml.Should().Contain("status: terminated").And.Contain("termination_mode: auto-detected");
        yaml.Should().Contain("last_visible_note: hand-written", "the note is free-form and kept");
    }

    [Fact]
    public void Reconcile_UnregisteredCreatorSession_RegisteredAndFileCreated()
    {
        var name = ws.Name + "-proj-creator-claude";
        ws.StartTmux(name, ws.Project("proj"));

        var result = Reconcile();
        var report = Json(result);

        Drifts(report, "B").Should().ContainSingle().Which.GetProperty("session").GetString().Should().Be(name);
        result.Stderr.Should().Contain("no registry at " + ws.RegistryPath).And.Contain("created " + ws.RegistryPath);
        File.Exists(ws.RegistryPath).Should().BeTrue();
        var yaml = ws.ReadRegistry();
        yaml.Should().Contain("name: " + name).And.Contain("status: running").And.Contain("auto-registered");
    }

    [Fact]
    public void Reconcile_TranscriptAppears_OwnIdFilled()
    {
        var name = ws.Name + "-api-creator-claude";
        var cwd = ws.Project("api");
        ws.StartTmux(name, cwd);
        ws.WriteRegistry(Registry(Row(name, cwd)));
        Drifts(Json(Reconcile()), "C").Should().BeEmpty("no transcript yet");

        var id = Guid.NewGuid().ToString();
        ws.WriteTranscript(cwd, id);
        var report = Json(Reconcile());

        var c = Drifts(report, "C").Should().ContainSingle().Which;
        c.GetProperty("field").GetString().Should().Be("claude_session_id_own");
        c.GetProperty("after").GetString().Should().Be(id);
        ws.ReadRegistry().Should().Contain("claude_session_id_own: " + id);
    }

    [Fact]
    public void Reconcile_StaleId_ReportedOnceAndKept()
    {
        var name = ws.Name + "-old-creator-claude";
        var cwd = ws.Project("old");
        ws.StartTmux(name, cwd);
        ws.WriteTranscript(ws.Project("elsewhere"), Guid.NewGuid().ToString()); // the projects folder is readable
        var stale = Guid.NewGuid().ToString();
        ws.WriteRegistry(Registry(Row(name, cwd, extra: $"    agent_identities:\n      claude: {{ session_id: {stale} }}\n")));
        var before = ws.ReadRegistry();

        var first = Json(Reconcile());
        var second = Json(Reconcile());

        Drifts(first, "D").Should().ContainSingle().Which.GetProperty("before").GetString().Should().Be(stale);
        Drifts(second, "D").Should().BeEmpty("the same drift is reported once");
        second.GetProperty("counts").GetProperty("coalesced").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        ws.ReadRegistry().Should().Contain(stale);
        ws.ReadRegistry().Split('\n').Except(before.Split('\n')).Should().ContainSingle("D changes nothing; the pass only records where the live row was seen")
            .Which.Should().StartWith("    pane: {");
    }

    [Fact]
    public void Reconcile_DryRun_ChangesNoByte()
    {
        var gone = ws.Name + "-gone-creator-claude";
        var fresh = ws.Name + "-fresh-creator-claude";
        ws.StartTmux(fresh, ws.Project("fresh"));
        ws.WriteRegistry(Registry(Row(gone, ws.Project("gone"))));
        var before = SHA256.HashData(File.ReadAllBytes(ws.RegistryPath));
        var filesBefore = Directory.GetFileSystemEntries(ws.Root, "*", SearchOption.AllDirectories).Order().ToArray();

        var report = Json(Reconcile("--dry-run"));

        report.GetProperty("dry_run").GetBoolean().Should().BeTrue();
        report.GetProperty("registry_written").GetBoolean().Should().BeFalse();
        Drifts(report, "A").Should().ContainSingle().Which.GetProperty("applied").GetBoolean().Should().BeFalse();
        Drifts(report, "B").Should().ContainSingle();
        SHA256.HashData(File.ReadAllBytes(ws.RegistryPath)).Should().Equal(before);
        Directory.GetFileSystemEntries(ws.Root, "*", SearchOption.AllDirectories).Order().Should().Equal(filesBefore, "no lock, backup or state file");
    }

    [Fact]
    public void Reconcile_InvalidRegistry_Exit3WithLineColumnAndFileUnchanged()
    {
        ws.StartTmux(ws.Name + "-x-creator-claude", ws.Project("x"));
        ws.WriteRegistry(Registry(Row(ws.Name + "-x-creator-claude", ws.Root, status: "Running?")));
        var before = File.ReadAllBytes(ws.RegistryPath);

        var result = Reconcile();

        result.ExitCode.Should().Be(3, result.ToString());
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().MatchRegex($"{System.Text.RegularExpressions.Regex.Escape(ws.RegistryPath)}:[0-9]+:[0-9]+: ");
        result.Stderr.Should().Contain("sessions[0].status").And.Contain("Running?");
        System.Text.RegularExpressions.Regex.Matches(result.Stderr, System.Text.RegularExpressions.Regex.Escape(ws.RegistryPath)).Should().HaveCount(1, "the place is named once");
        result.Stderr.Trim().Split('\n').Should().ContainSingle("one clear sentence");
        File.ReadAllBytes(ws.RegistryPath).Should().Equal(before);
    }

    [Fact]
    public void Reconcile_LockHeldByFlock_Exit4AndFileUnchanged()
    {
        ws.WriteRegistry(Registry(Row(ws.Name + "-held-creator-claude", ws.Project("held"))));
        var before = File.ReadAllBytes(ws.RegistryPath);
        var lockPath = ws.RegistryPath + ".lock";
        using var holder = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("flock")
        {
            ArgumentList = { "-x", lockPath, "sleep", "120" },
            UseShellExecute = false,
        })!;
        try
        {
            var held = System.Diagnostics.Stopwatch.StartNew();
            while (!LockIsHeld(lockPath))
            {
                held.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "flock(1) takes the lock");
                holder.WaitForExit(20);
            }

            var result = Reconcile();

            result.ExitCode.Should().Be(4, result.ToString());
            result.Stdout.Should().BeEmpty();
            result.Stderr.Should().Contain(ws.RegistryPath).And.Contain("lock");
            File.ReadAllBytes(ws.RegistryPath).Should().Equal(before);
        }
        finally
        {
            holder.Kill(entireProcessTree: true); // flock and its sleep
        }
    }

    private static bool LockIsHeld(string path)
    {
        using var probe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("flock")
        {
            ArgumentList = { "-n", "-x", path, "true" },
            UseShellExecute = false,
        })!;
        probe.WaitForExit(5_000);
        return probe.ExitCode != 0;
    }

    [Fact]
    public void Reconcile_NoRegistryNothingToRegister_NoteAndNoFile()
    {
        ws.StartTmux("unrelated", ws.Root);

        var result = Reconcile();
        var report = Json(result);

        report.GetProperty("drifts").GetArrayLength().Should().Be(0);
        report.GetProperty("workspace_root").GetString().Should().Be(ws.Root);
        result.Stderr.Should().Contain("note: no registry at " + ws.RegistryPath);
        File.Exists(ws.RegistryPath).Should().BeFalse();
        Directory.GetFileSystemEntries(ws.Root).Should().BeEmpty("a pass with nothing to register leaves no .hermes, lock or state behind");
    }

    [Fact]
    public void Reconcile_FromSubfolder_FindsWorkspaceAbove()
    {
        ws.WriteRegistry(Registry(Row(ws.Name + "-a-creator-claude", ws.Project("a"), status: "stopped")));
        var sub = Directory.CreateDirectory(Path.Combine(ws.Root, "a", "deep")).FullName;

        var result = CliProcess.Run(ws.Environment, sub, "reconcile", "--once", "--emit-diff", "--dry-run", "--tmux-socket", ws.Socket);

        Json(result).GetProperty("workspace_root").GetString().Should().Be(ws.Root);
    }

    [Fact]
    public void Status_RowsWithLiveState_TableAndJson()
    {
        var alive = ws.Name + "-alive-creator-claude";
        var gone = ws.Name + "-gone-creator-claude";
        ws.StartTmux(alive, ws.Project("alive"));
        ws.WriteRegistry(Registry(Row(alive, ws.Project("alive")), Row(gone, ws.Project("gone"), status: "stopped")));

        var table = ws.Run("status", "--tmux-socket", ws.Socket);
        var json = ws.Run("status", "--json", "--tmux-socket", ws.Socket);

        table.ExitCode.Should().Be(0, table.ToString());
        table.Stdout.Should().NotContain("\u001b", "stdout is not a terminal");
        table.Stdout.Split('\n').Should().Contain(l => l.StartsWith(alive, StringComparison.Ordinal) && l.Contains(" alive ", StringComparison.Ordinal))
            .And.Contain(l => l.StartsWith(gone, StringComparison.Ordinal) && l.Contains(" stopped ", StringComparison.Ordinal) && l.Contains(" gone ", StringComparison.Ordinal));
        json.ExitCode.Should().Be(0, json.ToString());
        var sessions = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("sessions");
        sessions[0].GetProperty("live").GetString().Should().Be("alive");
        sessions[0].GetProperty("pane").GetProperty("cmd").GetString().Should().Be("sleep");
        sessions[1].GetProperty("live").GetString().Should().Be("gone");
    }

    [Theory]
    [InlineData("TERM", 0)]
    [InlineData("INT", 130)]
    public void Reconcile_LoopSignalled_EndsCleanly(string signal, int expectedCode)
    {
        ws.StartTmux(ws.Name + "-loop-creator-claude", ws.Project("loop"));
        using var cli = ws.Start("reconcile", "--emit-diff", "--dry-run", "--interval", "1", "--tmux-socket", ws.Socket);

        cli.WaitUntil(o => o.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 2, TimeSpan.FromSeconds(30))
            .Should().BeTrue("two passes one second apart: " + cli.Stdout);
        cli.Signal(signal);
        var result = cli.WaitForExit(TimeSpan.FromSeconds(60));

        result.ExitCode.Should().Be(expectedCode, result.ToString());
        result.Stderr.Should().NotContain("Exception").And.NotContain("   at ");
        foreach (var line in result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            DriftReportSchema.Validate(line).Should().BeEmpty();
        }
    }

    [Fact]
    public void Cli_HelpVersionAndUsage_ExitCodes()
    {
        ws.Run("--help").ExitCode.Should().Be(0);
        ws.Run("--version").Stdout.Should().StartWith("agent-sessions ");
        var bad = ws.Run("reconcile", "--tmux-sockt", "x");
        bad.ExitCode.Should().Be(2);
        bad.Stderr.Should().Contain("unknown option '--tmux-sockt' for 'reconcile' (did you mean '--tmux-socket'?)");
    }
}
