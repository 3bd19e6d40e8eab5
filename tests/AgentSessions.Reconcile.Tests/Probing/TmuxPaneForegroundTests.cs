using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>The command and path a probe reads from /proc equal tmux's own <c>pane_current_command</c> and <c>pane_current_path</c>.</summary>
public sealed class TmuxPaneForegroundTests : IDisposable
{
    private readonly TmuxTestServer server = new();
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        server.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task ProbeAsync_EveryKindOfPane_CommandAndPathEqualTmuxs()
    {
        var a = temp.CreateDirectory("a");
        var b = temp.CreateDirectory("b ünï");
        server.NewSession("shell", a, "bash --norc --noprofile");
        server.Run(["set-option", "-g", "remain-on-exit", "on"]).Should().Be(0);
        server.Run(["set-option", "-g", "default-shell", "/bin/bash"]).Should().Be(0);
        server.NewSession("sleep", a);
        server.NewSession("elsewhere", a, $"cd '{b}' && sleep 3600");
        server.NewSession("child", a, "bash --norc --noprofile");
        server.Run(["send-keys", "-t", "=child:", $"cd '{b}' && sleep 3600", "Enter"]).Should().Be(0);
        server.NewSession("argv0", a, "exec -a '-tool\u00e9 x' sleep 3600");
        server.NewSession("dead", a, "true");
        var probe = new TmuxSessionProbe(ProbeSettings.From(new SessionProbeOptions { TmuxSocketName = server.SocketName }, new FileSystem()), new ProcessRunner());

        Dictionary<string, string> tmux = [], ours = [];
        var settled = await Poll.UntilAsync(
            async () =>
            {
                server.Run(["list-panes", "-a", "-F", "#{session_name}\t#{pane_dead}\t#{pane_current_command}\t#{pane_current_path}"], out var listed);
                tmux = listed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t', 2)).ToDictionary(f => f[0], f => f[1]);
                var state = await probe.ProbeAsync(CancellationToken.None);
                ours = state.Sessions.Values.ToDictionary(s => s.Name, s => $"{(s.Panes[0].IsDead ? 1 : 0)}\t{s.Panes[0].CurrentCommand}\t{s.Panes[0].CurrentPath}");
                return tmux.GetValueOrDefault("child", string.Empty).Contains("\tsleep\t", StringComparison.Ordinal)
                    && tmux.GetValueOrDefault("dead", string.Empty).StartsWith('1')
                    && tmux.Count == 6 && ours.Count == 6 && tmux.All(t => ours.GetValueOrDefault(t.Key) == t.Value);
            },
            TimeSpan.FromSeconds(60));

        settled.Should().BeTrue($"ours {string.Join(" | ", ours.OrderBy(p => p.Key, StringComparer.Ordinal))} must equal tmux's {string.Join(" | ", tmux.OrderBy(p => p.Key, StringComparer.Ordinal))}");
        tmux["shell"].Should().Be($"0\tbash\t{a}", "an idle shell");
        tmux["child"].Should().Be($"0\tsleep\t{b}", "a shell's foreground child, in another folder");
        tmux["elsewhere"].Should().Be($"0\tsleep\t{b}", "a process started in another folder (bash runs the last command of a list in its own process)");
        tmux["argv0"].Should().Be($"0\ttool\t{a}", "the first argument cut as tmux cuts a name");
        tmux["dead"].Should().Be("1\ttrue\t", "a dead pane: its start command, no path");
    }
}
