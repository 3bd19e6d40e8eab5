using AgentSessions.Reconcile.Testing;
using AgentSessions.Reconcile.Tests.Registry;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>Drift F through a real reconciler and store: once per episode, never a registry write.</summary>
public sealed class NeedsAttentionRuleTests : IDisposable
{
    private const string Api = "lab-api-creator-claude";
    private readonly TempWorkspace _workspace = new();
    private readonly FakeTimeProvider _time = new(Some.Now);

    public NeedsAttentionRuleTests() => _workspace.Write($$"""
        version: 1
        workspace: lab
        sessions:
          - name: {{Api}}
            agent: claude
            status: running
            cwd: /home/u/lab/api
            pane: { pid: 4242, cmd: claude }

        """);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Waiting_past_the_threshold_is_F_once_per_episode_with_who_what_since_and_evidence_and_writes_nothing()
    {
        var probe = new FakeSessionProbe().SetTmuxKnown().AddTmuxSession(Api, "/home/u/lab/api", 4242, "claude");
        var reconciler = Reconciler.Create(_workspace.Store(), probe, new ReconcilerOptions { StateDirectory = Path.Combine(_workspace.Root, "state") }, _time);
        var waitingSince = new DateTimeOffset(2026, 11, 20, 10, 29, 30, TimeSpan.Zero);
        var waiting = new SessionAttention("waiting", "permission", waitingSince, "hook", "hook Notification (Bash)") { Tool = "Bash" };

        // 30 s waiting: not yet.
        probe.SetAttention(Api, waiting);
        (await Pass(reconciler)).Drifts.Where(d => d.Class == DriftClass.NeedsAttention).Should().BeEmpty();
        var before = File.ReadAllText(_workspace.RegistryPath);

        // 61 s: F, once.
        _time.Advance(TimeSpan.FromSeconds(31));
        var f = (await Pass(reconciler)).Drifts.Should().ContainSingle(d => d.Class == DriftClass.NeedsAttention).Subject;
        f.Message.Should().Be($"{Api} waits for permission to run Bash since 10:29:30 (hook Notification (Bash)).");
        f.Applied.Should().BeFalse();
        (await Pass(reconciler)).Drifts.Should().BeEmpty("the same episode is coalesced");

        // Answered (working), then idle: nothing reported, nothing written.
        probe.SetAttention(Api, new SessionAttention("working", null, _time.GetUtcNow(), "hook", "hook PostToolUse"));
        (await Pass(reconciler)).Drifts.Should().BeEmpty();
        probe.SetAttention(Api, new SessionAttention("idle", null, _time.GetUtcNow(), "hook", "hook Stop"));
        (await Pass(reconciler)).Drifts.Should().BeEmpty();

        // A new episode (limited) is reported at once.
        probe.SetAttention(Api, new SessionAttention("limited", "usage_limit", _time.GetUtcNow(), "transcript", "transcript: API error 429 rate_limit"));
        (await Pass(reconciler)).Drifts.Should().ContainSingle(d => d.Class == DriftClass.NeedsAttention)
            .Which.Message.Should().Contain("is stopped by a usage limit");

        File.ReadAllText(_workspace.RegistryPath).Should().Be(before, "attention never writes the registry");
    }

    [Fact]
    public async Task An_unknown_pass_keeps_the_episode_reported()
    {
        var probe = new FakeSessionProbe().SetTmuxKnown().AddTmuxSession(Api, "/home/u/lab/api", 4242, "claude");
        var reconciler = Reconciler.Create(_workspace.Store(), probe, new ReconcilerOptions { StateDirectory = Path.Combine(_workspace.Root, "state"), AttentionAfter = TimeSpan.Zero }, _time);
        var wedged = new SessionAttention("wedged", "no_progress", Some.Now.AddMinutes(-20), "hook", "hook PreToolUse; no hook event or transcript growth since 10:10:00");

        probe.SetAttention(Api, wedged);
        (await Pass(reconciler)).Drifts.Should().ContainSingle().Which.Message.Should().Contain("is wedged");
        probe.SetAttention(Api, new SessionAttention("unknown", null, null, "none", "nothing"));
        (await Pass(reconciler)).Drifts.Should().BeEmpty();
        probe.SetAttention(Api, wedged);
        (await Pass(reconciler)).Drifts.Should().BeEmpty("an unknown pass is not the end of the episode");
    }

    private static Task<DriftReport> Pass(IReconciler reconciler) => reconciler.ReconcileAsync(new ReconcileRequest());
}
