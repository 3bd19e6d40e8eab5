using System.Diagnostics;
using System.Text.Json;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>The cases users hit (issue #9), through the built CLI against real tmux and real folders.</summary>
[Trait("Category", "EndToEnd")]
public sealed class EdgeCaseEndToEndTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    private static JsonElement Json(CliResult result) => ReportJson.Parse(result);

    private static string[] Classes(JsonElement report) =>
        report.GetProperty("drifts").EnumerateArray().Select(d => d.GetProperty("class").GetString() + " " + d.GetProperty("session").GetString()).ToArray();

    private static string[] Notes(JsonElement report) =>
        report.TryGetProperty("notes", out var notes) ? notes.EnumerateArray().Select(n => n.GetString()!).ToArray() : [];

    [Fact]
    public void Reconcile_DottedWorkspace_SessionAsTmuxStoresItIsRegisteredAndListedByStatus()
    {
        var workspace = ws.Name + ".app";
        ws.WriteRegistry($"version: 1\nworkspace: {workspace}\nsessions: []\n");
        ws.StartTmux(workspace + "-x-creator-claude", ws.Project("x"));
        var stored = ws.Name + "_app-x-creator-claude";

        var report = Json(ws.Run("reconcile", "--once", "--emit-diff", "--dry-run", "--tmux-socket", ws.Socket));
        var status = ws.Run("status", "--json", "--tmux-socket", ws.Socket);

        Classes(report).Should().Equal("B " + stored);
        status.ExitCode.Should().Be(0, status.ToString());
        status.Stdout.Should().Contain(stored);
    }

    [Fact]
    public void Reconcile_ClaudeConfigFolderMissing_NoStaleIdAndSaysWhyOnce()
    {
        Directory.Delete(ws.ClaudeDir, recursive: true);
        ws.WriteRegistry(
            $"version: 1\nworkspace: {ws.Name}\nsessions:\n"
            + $"  - name: {ws.Name}-a-creator-claude\n    agent: claude\n    status: stopped\n    updated_at: 2026-11-20T10:00:00Z\n    claude_session_id_own: 87dc548e\n"
            + $"  - name: {ws.Name}-b-creator-claude\n    agent: claude\n    status: stopped\n    updated_at: 2026-11-20T10:00:00Z\n    claude_session_id_own: 93ab0c11\n");

        var result = ws.Run("reconcile", "--once", "--emit-diff", "--tmux-socket", ws.Socket);
        var report = Json(result);

        Classes(report).Should().BeEmpty();
        Notes(report).Should().ContainSingle().Which.Should().Contain(ws.ClaudeDir).And.Contain("does not exist");
        result.Stderr.Should().Contain("does not exist");
    }

    [Fact]
    public void Reconcile_StoppedLongAgoWithLiveSession_EOnTheFirstDryRun()
    {
        var name = ws.Name + "-web-creator-claude";
        ws.StartTmux(name, ws.Project("web"));
        ws.WriteRegistry(
            $"version: 1\nworkspace: {ws.Name}\nsessions:\n"
            + $"  - name: {name}\n    agent: claude\n    status: stopped\n    updated_at: 2026-11-20T10:00:00Z\n");

        var report = Json(ws.Run("reconcile", "--once", "--emit-diff", "--dry-run", "--tmux-socket", ws.Socket));

        Classes(report).Should().Equal("E " + name);
    }

    [Fact]
    public void Reconcile_WrongSocketWhilePaneProcessLives_RowNotTerminatedReportNamesSocket()
    {
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", ["600"]))!;
        try
        {
            var name = ws.Name + "-web-creator-claude";
            var typo = ws.Socket + "-typo";
            ws.WriteRegistry(
                $"version: 1\nworkspace: {ws.Name}\nsessions:\n"
                + $"  - name: {name}\n    agent: claude\n    status: running\n    updated_at: 2026-11-20T10:00:00Z\n    pane: {{ pid: {sleeper.Id}, cmd: sleep }}\n");

            var report = Json(ws.Run("reconcile", "--once", "--emit-diff", "--tmux-socket", typo));

            Classes(report).Should().BeEmpty();
            Notes(report).Should().ContainSingle().Which.Should().Contain("wrong socket?");
            report.GetProperty("tmux").GetProperty("socket").GetString().Should().EndWith("/" + typo);
            ws.ReadRegistry().Should().Contain("status: running");
        }
        finally
        {
            sleeper.Kill();
        }
    }

    [Fact]
    public void Reconcile_SessionWorkingInAnotherWorkspace_IsNotRegisteredHere()
    {
        var other = Path.Combine(Path.GetDirectoryName(ws.Root)!, ws.Name + "-api");
        Directory.CreateDirectory(Path.Combine(other, ".hermes"));
        File.WriteAllText(Path.Combine(other, ".hermes", "agent-sessions.yaml"), $"version: 1\nworkspace: {ws.Name}-api\nsessions: []\n");
        var web = Directory.CreateDirectory(Path.Combine(other, "web")).FullName;
        ws.StartTmux(ws.Name + "-api-web-creator-claude", web);
        ws.StartTmux(ws.Name + "-web-creator-claude", ws.Project("web"));

        var report = Json(ws.Run("reconcile", "--once", "--emit-diff", "--dry-run", "--tmux-socket", ws.Socket));

        Classes(report).Should().Equal("B " + ws.Name + "-web-creator-claude");
    }
}
