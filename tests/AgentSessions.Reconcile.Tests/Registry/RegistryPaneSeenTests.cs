namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary><c>pane.socket</c> and <c>pane.id</c>: where a row was last seen alive (issue 15 item 2).</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryPaneSeenTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task UpdateAsync_PaneSocketAndId_WrittenReadBackAndOtherPaneKeysKept()
    {
        ws.Write("version: 1\nsessions:\n  - name: lab-a-creator-claude\n    status: running\n    pane: { pid: 7, cmd: claude, x-note: keep }\n");

        await ws.Store().UpdateAsync(r => (r.Sessions[0].Pane!.Socket, r.Sessions[0].Pane!.Id) = ("/tmp/tmux-1000/default", "%3"));
        var pane = (await ws.Store().LoadAsync()).Sessions[0].Pane!;

        (pane.Pid, pane.Cmd, pane.Socket, pane.Id).Should().Be((7L, "claude", "/tmp/tmux-1000/default", "%3"));
        ws.Read().Should().Contain("x-note: keep").And.Contain("socket: /tmp/tmux-1000/default").And.Contain("id: \"%3\"");
    }
}
