using System.Text.Json;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 15 item 2, through the built CLI on real tmux servers: a mistyped <c>--tmux-socket</c> never
/// ends a live session, and a session that really ended on its own server still does.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class WrongSocketEndToEndTests : IDisposable
{
    private readonly TempWorkspace ws = new();
    private readonly TempWorkspace other = new();

    public void Dispose()
    {
        other.Dispose();
        ws.Dispose();
    }

    private string Name => ws.Name + "-web-creator-claude";

    private static string[] Classes(JsonElement report) =>
        report.GetProperty("drifts").EnumerateArray().Select(d => d.GetProperty("class").GetString() + " " + d.GetProperty("session").GetString()).ToArray();

    private static string[] Notes(JsonElement report) =>
        report.TryGetProperty("notes", out var notes) ? notes.EnumerateArray().Select(n => n.GetString()!).ToArray() : [];

    private JsonElement Reconcile(string socket, params string[] more) =>
        ReportJson.Parse(ws.Run(["reconcile", "--once", "--emit-diff", "--tmux-socket", socket, .. more]));

    /// <summary>A running row written long ago (past the grace; its visible status needs no refresh), its session alive on <c>ws.Socket</c>.</summary>
    private void LiveRow()
    {
        var cwd = ws.Project("web");
        ws.StartTmux(Name, cwd);
        ws.WriteRegistry(
            $"version: 1\nworkspace: {ws.Name}\nsessions:\n"
            + $"  - name: {Name}\n    agent: claude\n    cwd: {cwd}\n    status: running\n    last_visible_status: running\n    created_at: 2026-11-20T10:00:00Z\n    updated_at: 2026-11-20T10:00:00Z\n");
    }

    [Fact]
    public void Reconcile_ThreeRightPassesThenAMistypedSocket_RowStaysRunningAndTheNextRightPassFindsNothing()
    {
        LiveRow();
        other.StartTmux(other.Name + "-unrelated", other.Root); // the mistyped socket is a live server too
        for (var i = 0; i < 3; i++)
        {
            Classes(Reconcile(ws.Socket)).Should().BeEmpty();
        }

        var recorded = ws.ReadRegistry();

        var dry = Reconcile(other.Socket, "--dry-run");
        var wrong = Reconcile(other.Socket);
        var right = Reconcile(ws.Socket);

        foreach (var report in new[] { dry, wrong })
        {
            Classes(report).Should().BeEmpty("the row was last seen alive on another server that still exists");
            Notes(report).Should().ContainSingle().Which.Should().Contain("wrong socket?").And.Contain("/" + ws.Socket).And.Contain("/" + other.Socket);
        }

        ws.ReadRegistry().Should().Be(recorded, "a pass on the wrong server changes nothing");
        recorded.Should().Contain("socket: /").And.Contain("/" + ws.Socket).And.Contain("id: \"%");
        Classes(right).Should().BeEmpty("the row is still running: no A before, so no E now");
        Notes(right).Should().BeEmpty();
        ws.ReadRegistry().Should().Contain("status: running");
    }

    [Fact]
    public void Reconcile_SessionEndsOnTheServerItWasSeenOn_TerminatedAfterTheGrace()
    {
        LiveRow();
        ws.StartTmux(ws.Name + "-keep", ws.Root); // the server stays up: only the row's session ends
        Classes(Reconcile(ws.Socket)).Should().BeEmpty();

        ws.KillTmux(Name);
        var report = Reconcile(ws.Socket);

        Classes(report).Should().Equal("A " + Name);
        Notes(report).Should().BeEmpty();
        ws.ReadRegistry().Should().Contain("status: terminated").And.Contain("termination_mode: auto-detected");
    }
}
