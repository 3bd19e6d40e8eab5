using System.IO.Abstractions;
using AgentSessions.Reconcile.Attention;
using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;
using AgentSessions.Reconcile.Tests.Probing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Attention;

/// <summary>The pane reads of a pass on real tmux (a private socket): one tmux process for all of them, counted by a wrapper.</summary>
public sealed class PaneBatchTests : IDisposable
{
    private const string Prompt = "printf 'Do you want to proceed?\\n  1. Yes\\n  2. No\\n'; sleep 3600";
    private const string Busy = "printf 'Reading files\\nesc to interrupt\\n'; sleep 3600";
    private const string Plain = "printf 'hello\\n'; sleep 3600";

    private readonly TmuxTestServer server = new();
    private readonly TempFolder temp = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly string log;
    private readonly TmuxSessionProbe tmux;
    private readonly AttentionProbe probe;

    public PaneBatchTests()
    {
        log = temp.Combine("calls.log");
        var wrapper = temp.WriteScript("tmux-count", $"echo \"$*\" >> '{log}'\nexec tmux \"$@\"");
        tmux = new TmuxSessionProbe(ProbeSettings.From(new SessionProbeOptions { TmuxSocketName = server.SocketName, TmuxExecutable = wrapper }, new FileSystem()), new ProcessRunner());
        probe = new AttentionProbe(temp.CreateDirectory("claude"), time, TimeSpan.FromMinutes(15));
    }

    public void Dispose()
    {
        server.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task A_pass_needing_six_pane_reads_starts_one_tmux_process_and_classifies_each_pane()
    {
        var shows = new Dictionary<string, (string Command, string Text)>
        {
            ["p1"] = (Prompt, "2. No"), ["w1"] = (Busy, "esc to interrupt"), ["q1"] = (Plain, "hello"),
            ["p2"] = (Prompt, "2. No"), ["w2"] = (Busy, "esc to interrupt"), ["q2"] = (Plain, "hello"),
        };
        foreach (var (name, show) in shows)
        {
            await StartAsync(name, show.Command, show.Text);
        }

        var seen = await ObserveAsync(shows.Keys);

        CaptureCalls().Should().ContainSingle("all six panes are read by one tmux process");
        probe.PaneReads.Should().Be(6);
        foreach (var name in new[] { "p1", "p2" })
        {
            seen[name].Should().Match<SessionAttention>(a => a.State == "waiting" && a.Reason == "permission" && a.Source == "pane");
        }

        seen["w1"].State.Should().Be("working");
        seen["w2"].State.Should().Be("working");
        seen["q1"].State.Should().Be("unknown");
        seen["q2"].State.Should().Be("unknown");
    }

    [Fact]
    public async Task A_session_gone_before_its_pane_is_read_is_unknown_and_the_panes_after_it_are_read_next_pass()
    {
        await StartAsync("a", Prompt, "2. No");
        await StartAsync("b", Prompt, "2. No");
        await StartAsync("c", Busy, "esc to interrupt");
        var listed = await tmux.ProbeAsync(CancellationToken.None);
        server.Run(["kill-session", "-t", "=b"]).Should().Be(0);

        var first = await probe.ObserveAsync(Registry("a", "b", "c"), listed, CapturePanesAsync, CancellationToken.None);

        CaptureCalls().Should().ContainSingle();
        first["a"].State.Should().Be("waiting", "a was read before tmux reached the gone session");
        first["b"].State.Should().Be("unknown");
        first["c"].State.Should().Be("unknown", "tmux ran nothing after the failed read");

        // c was not read, so no read was recorded: the next pass (within the minute) reads it; a's read stands.
        time.Advance(TimeSpan.FromSeconds(10));
        var second = await ObserveAsync(["a", "c"]);

        CaptureCalls().Should().HaveCount(2).And.Subject.Last().Should().Contain("=c:").And.NotContain("=a:");
        second["a"].State.Should().Be("waiting");
        second["c"].State.Should().Be("working");
    }

    [Fact]
    public async Task Panes_whose_arguments_exceed_what_one_tmux_command_takes_are_read_in_bounded_batches()
    {
        // tmux refuses a command line over about 16 KB: three names of 5,000 characters take two processes.
        var names = new[] { new string('x', 5000), new string('y', 5000), new string('z', 5000) };
        foreach (var name in names)
        {
            await StartAsync(name, Plain, "hello");
        }

        var texts = await tmux.CapturePanesAsync(names, PaneText.Lines, CancellationToken.None);

        CaptureCalls().Should().HaveCount(2);
        texts.Should().HaveCount(3).And.OnlyContain(t => t.Value != null && t.Value.Contains("hello", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_name_tmux_cannot_hold_is_a_failed_read_and_is_not_sent_to_tmux()
    {
        await StartAsync("ok", Plain, "hello");

        var texts = await tmux.CapturePanesAsync(["a:b", "ok", "c.d"], PaneText.Lines, CancellationToken.None);

        texts["a:b"].Should().BeNull();
        texts["c.d"].Should().BeNull();
        texts["ok"].Should().Contain("hello");
        CaptureCalls().Should().ContainSingle().Which.Should().NotContain("a:b").And.NotContain("c.d");
    }

    private Task<IReadOnlyDictionary<string, string?>> CapturePanesAsync(IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        tmux.CapturePanesAsync(names, PaneText.Lines, cancellationToken);

    private async Task<IReadOnlyDictionary<string, SessionAttention>> ObserveAsync(IEnumerable<string> names) =>
        await probe.ObserveAsync(Registry([.. names]), await tmux.ProbeAsync(CancellationToken.None), CapturePanesAsync, CancellationToken.None);

    private string[] CaptureCalls() => File.ReadAllLines(log).Where(l => l.Contains("capture-pane", StringComparison.Ordinal)).ToArray();

    private static AgentSessions.Reconcile.Registry Registry(params string[] names)
    {
        var registry = new AgentSessions.Reconcile.Registry { Workspace = "lab" };
        foreach (var name in names)
        {
            registry.Sessions.Add(new SessionRow(name));
        }

        return registry;
    }

    /// <summary>Starts a session and waits until its pane shows <paramref name="text"/>.</summary>
    private async Task StartAsync(string name, string command, string text)
    {
        server.NewSession(name, temp.Path, command);
        (await Poll.UntilAsync(
            () => server.Run(["capture-pane", "-p", "-t", "=" + name + ":"], out var shown) == 0 && shown.Contains(text, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30))).Should().BeTrue($"{name}'s pane shows its text");
    }
}
