using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Hosting;

/// <summary>The worker comments drift F once per episode and never blocks the card for it (issue #18).</summary>
public sealed class MonitorWorkerAttentionTests
{
    private const string Api = "lab-api-creator-claude";
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task F_is_commented_once_per_episode_and_the_card_is_never_blocked()
    {
        var time = new FakeTimeProvider(T0);
        var registry = new AgentSessions.Reconcile.Registry { Workspace = "lab" };
        registry.Sessions.Add(new SessionRow(Api) { Agent = "claude", Status = SessionStatus.Running, Cwd = "/w/api", CreatedAt = T0.AddHours(-1), UpdatedAt = T0.AddHours(-1) });
        var store = new FakeRegistryStore(registry, "/w");
        var probe = new FakeSessionProbe().SetTmuxKnown().AddTmuxSession(Api, "/w/api", 42, "claude")
            .SetAttention(Api, new SessionAttention("waiting", "question", T0.AddMinutes(-5), "hook", "hook Notification") { SessionId = null });
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions(), time, stateStore: new FakeDriftStateStore());
        var gateway = new FakeKanbanGateway("worker", time);
        var worker = new MonitorWorker(gateway, Options.Create(new MonitorOptions()), time, new CollectingLogger<MonitorWorker>(), new TestLifetime(), new ReconcileLoop(reconciler, timeProvider: time));

        for (var pass = 0; pass < 3; pass++)
        {
            var tick = await worker.TickAsync(CancellationToken.None);
            tick.End.Should().Be(MonitorEnd.None);
            time.Advance(tick.NextDelay);
        }

        gateway.Comments.Should().ContainSingle().Which.Body.Should().Contain($"[F] {Api} waits for an answer to its question since 11:55:00 (hook Notification).");

        // The episode ends (answered) and a new one starts: commented again.
        probe.SetAttention(Api, new SessionAttention("working", null, time.GetUtcNow(), "hook", "hook PostToolUse"));
        time.Advance((await worker.TickAsync(CancellationToken.None)).NextDelay);
        probe.SetAttention(Api, new SessionAttention("limited", "api_error", time.GetUtcNow(), "transcript", "transcript: API error record"));
        await worker.TickAsync(CancellationToken.None);

        gateway.Comments.Should().HaveCount(2);
        gateway.Comments[1].Body.Should().Contain("[F] " + Api + " is stopped by an API error");
        gateway.Blocks.Should().BeEmpty();
        gateway.IsBlocked.Should().BeFalse();
    }
}
