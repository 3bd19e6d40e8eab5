using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>
/// The shipped skill's <c>scripts/reconcile.sh</c> with the seed's own command lines, unchanged,
/// run from a workspace as a Hermes worker runs it: the built tool on <c>PATH</c> (or in
/// <c>~/.dotnet/tools</c>), tmux's default server made private with <c>TMUX_TMPDIR</c>.
/// </summary>
[Trait("Category", "EndToEnd")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SkillScriptTests : IDisposable
{
    private const string Script = "skills/tmux-agent-orchestrate-monitor/scripts/reconcile.sh";
    private readonly string top = Directory.CreateTempSubdirectory("asr-skill-").FullName;
    private readonly string name = "ws" + Guid.NewGuid().ToString("N")[..6];
    private bool tmuxStarted;

    public SkillScriptTests()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Path.Combine(top, "claude", "projects"));
        Directory.CreateDirectory(TmuxDir);
        Directory.CreateDirectory(EmptyBin);
        CopySkill(Path.Combine(RepositoryRoot(), "skills"), Path.Combine(Root, "skills"));
    }

    private string Root => Path.Combine(top, name);

    private string Home => Path.Combine(top, "home");

    private string TmuxDir => Path.Combine(top, "tmux");

    private string EmptyBin => Path.Combine(top, "empty-bin");

    private string RegistryPath => Path.Combine(Root, ".hermes", "agent-sessions.yaml");

    public void Dispose()
    {
        if (tmuxStarted)
        {
            Tmux("kill-server");
        }

        Directory.Delete(top, recursive: true);
    }

    [Fact]
    public void ReconcileSh_SeedCommandLines_DryRunThenRepairWithJsonReport()
    {
        WriteRegistry();
        Tmux("new-session", "-d", "-s", name + "-api-creator-claude", "-c", Root, "sleep", "600");
        var bin = ToolFolder(Path.Combine(top, "bin"));
        var before = File.ReadAllBytes(RegistryPath);

        var dry = Report(Run(bin, "--once", "--emit-diff", "--dry-run"));

        dry.GetProperty("dry_run").GetBoolean().Should().BeTrue();
        dry.GetProperty("registry_written").GetBoolean().Should().BeFalse();
        Classes(dry).Should().Equal(("A", false), ("B", false));
        File.ReadAllBytes(RegistryPath).Should().Equal(before, "a dry run writes nothing");

        var real = Report(Run(bin, "--once", "--emit-diff"));

        real.GetProperty("dry_run").GetBoolean().Should().BeFalse();
        real.GetProperty("registry_written").GetBoolean().Should().BeTrue();
        Classes(real).Should().Equal(("A", true), ("B", true));
        File.ReadAllText(RegistryPath).Should().Contain("status: terminated").And.Contain(name + "-api-creator-claude");
    }

    [Fact]
    public void ReconcileSh_ToolOnlyInDotnetTools_Found()
    {
        ToolFolder(Path.Combine(Home, ".dotnet", "tools"));

        var report = Report(Run(EmptyBin, "--once", "--emit-diff", "--dry-run"));

        report.GetProperty("drifts").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public void ReconcileSh_ToolMissing_Exit127WithInstallSentence()
    {
        var result = Run(EmptyBin, "--once", "--emit-diff");

        result.ExitCode.Should().Be(127, result.ToString());
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().StartWith("reconcile.sh: the agent-sessions tool is not installed")
            .And.Contain("dotnet tool install -g AgentSessions.Reconcile.Cli").And.EndWith("\n");
        result.Stderr.Count(c => c == '\n').Should().Be(1, "one sentence");
    }

    private static (string Class, bool Applied)[] Classes(JsonElement report) =>
        [.. report.GetProperty("drifts").EnumerateArray()
            .Select(d => (d.GetProperty("class").GetString()!, d.GetProperty("applied").GetBoolean()))
            .OrderBy(d => d.Item1, StringComparer.Ordinal)];

    private static JsonElement Report(CliResult result)
    {
        result.ExitCode.Should().Be(0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(result.ToString());
        var report = JsonDocument.Parse(lines[0]).RootElement.Clone();
        report.GetProperty("version").GetInt32().Should().Be(1);
        return report;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, Script)))
            {
                return dir.FullName;
            }
        }

        throw new FileNotFoundException("The skill was not found above the test folder.", Script);
    }

    private static void CopySkill(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Puts an <c>agent-sessions</c> that runs the built tool into <paramref name="folder"/>.</summary>
    private static string ToolFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Environment.ProcessPath!;
        var tool = Path.Combine(folder, "agent-sessions");
        File.WriteAllText(tool, $"#!/bin/sh\nexec '{dotnet}' '{CliProcess.DllPath}' \"$@\"\n", new UTF8Encoding(false));
        File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return folder;
    }

    private void WriteRegistry()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(RegistryPath)!);
        File.WriteAllText(
            RegistryPath,
            $"""
            version: 1
            workspace: {name}
            sessions:
              - name: {name}-web-creator-claude
                agent: claude
                cwd: {Root}
                status: running
                last_visible_status: running
                last_visible_note: hand-written
                created_at: 2026-11-20T10:00:00Z
                updated_at: 2026-11-20T10:00:00Z
                claude_session_id_own: null

            """.ReplaceLineEndings("\n"),
            new UTF8Encoding(false));
    }

    /// <summary>Runs <c>bash skills/…/reconcile.sh ARGS</c> in the workspace with <c>PATH</c> = <paramref name="bin"/> and the system folders.</summary>
    private CliResult Run(string bin, params string[] args)
    {
        var psi = Start("/bin/bash", [Script, .. args]);
        psi.WorkingDirectory = Root;
        psi.Environment["PATH"] = bin + ":/usr/local/bin:/usr/bin:/bin";
        psi.Environment["HOME"] = Home;
        psi.Environment["CLAUDE_CONFIG_DIR"] = Path.Combine(top, "claude");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("reconcile.sh did not finish within 60 s.");
        }

        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    private void Tmux(params string[] args)
    {
        tmuxStarted = true;
        using var p = Process.Start(Start("tmux", args))!;
        p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit(10_000).Should().BeTrue();
        if (args[0] != "kill-server")
        {
            p.ExitCode.Should().Be(0, err);
        }
    }

    /// <summary>A process in the test's private tmux world: tmux's default server lives under <see cref="TmuxDir"/>.</summary>
    private ProcessStartInfo Start(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var variable in new[] { "TMUX", "TMUX_PANE", "AGENT_SESSIONS_STATE_DIR", "RECONCILE_POLL_INTERVAL", "NO_COLOR" })
        {
            psi.Environment.Remove(variable);
        }

        psi.Environment["TMUX_TMPDIR"] = TmuxDir;
        return psi;
    }
}
