using System.Threading.Channels;
using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

public sealed class ReconcileLoopTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ReconcileLoop _loop;
    private readonly Channel<(ReconcileRequest Request, DateTimeOffset At)> _passes = Channel.CreateUnbounded<(ReconcileRequest, DateTimeOffset)>();

    private readonly List<Exception> _said = [];

    public ReconcileLoopTests() => _loop = new ReconcileLoop(new NeverReconciler(), new FakeRegistryStore(), _time);

    private Task RunAsync(CancellationToken cancellationToken, Func<int, TimeSpan?>? wait = null, Func<Task>? during = null)
    {
        var n = 0;
        return _loop.RunAsync(
            async (request, _) =>
            {
                n++;
                _passes.Writer.TryWrite((request, _time.GetUtcNow()));
                if (during is not null)
                {
                    await during();
                }

                return wait is null ? TimeSpan.FromSeconds(30) : wait(n);
            },
            _said.Add,
            cancellationToken);
    }

    private async Task<(ReconcileRequest Request, DateTimeOffset At)> NextPassAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _passes.Reader.ReadAsync(bound.Token);
    }

    private async Task WaitArmedAsync(int passes)
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (_loop.PassesCompleted < passes)
        {
            bound.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "the loop should arm its wait");
            await Task.Delay(1);
        }
    }

    [Fact]
    public async Task RunAsync_FirstPassAtOnceThenAfterReturnedWait_TimerTriggers()
    {
        using var cts = new CancellationTokenSource();
        var run = RunAsync(cts.Token, n => TimeSpan.FromSeconds(n == 1 ? 60 : 30));

        var first = await NextPassAsync();
        await WaitArmedAsync(1);
        _time.Advance(TimeSpan.FromSeconds(59));
        _passes.Reader.TryRead(out _).Should().BeFalse("the first pass asked for 60 s");
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await NextPassAsync();

        first.Request.Trigger.Should().Be(ReconcileTrigger.Timer);
        second.Request.Trigger.Should().Be(ReconcileTrigger.Timer);
        (second.At - first.At).Should().Be(TimeSpan.FromSeconds(60));
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task RunAsync_PassFailsAsItIsStopped_EndsCancelledWithoutSayingAFailure()
    {
        // The stop lands while a pass runs, and the pass then fails with its own error (a process killed, a
        // pipe closed) rather than a cancellation: that is the stop, not a failing pass to report.
        using var cts = new CancellationTokenSource();
        var run = _loop.RunAsync(
            async (_, _) =>
            {
                await cts.CancelAsync();
                throw new IOException("the pipe closed as the process was killed");
            },
            _said.Add,
            cts.Token);

        await FluentActions.Awaiting(() => run.WaitAsync(TimeSpan.FromSeconds(60))).Should().ThrowAsync<OperationCanceledException>();
        _said.Should().BeEmpty();
    }

    [Fact]
    public async Task RequestAsync_WhileWaiting_PassRunsAtOnceAndTimerIsReArmed()
    {
        using var cts = new CancellationTokenSource();
        var run = RunAsync(cts.Token);
        await NextPassAsync();
        await WaitArmedAsync(1);
        _time.Advance(TimeSpan.FromSeconds(10));

        await _loop.RequestAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Event });
        var evented = await NextPassAsync();
        await WaitArmedAsync(2);
        _time.Advance(TimeSpan.FromSeconds(29));
        _passes.Reader.TryRead(out _).Should().BeFalse("the timer counts from the event pass, not from the first");
        _time.Advance(TimeSpan.FromSeconds(1));
        var timer = await NextPassAsync();

        evented.Request.Trigger.Should().Be(ReconcileTrigger.Event);
        evented.At.Should().Be(new DateTimeOffset(2026, 5, 1, 12, 0, 10, TimeSpan.Zero));
        timer.Request.Trigger.Should().Be(ReconcileTrigger.Timer);
        (timer.At - evented.At).Should().Be(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task RequestAsync_BurstDuringPass_OnePassMore()
    {
        using var cts = new CancellationTokenSource();
        var release = new TaskCompletionSource();
        var first = true;
        var run = RunAsync(
            cts.Token,
            during: async () =>
            {
                if (first)
                {
                    first = false;
                    for (var i = 0; i < 100; i++)
                    {
                        await _loop.RequestAsync(new ReconcileRequest { Trigger = i == 50 ? ReconcileTrigger.Event : ReconcileTrigger.Manual });
                    }

                    await release.Task;
                }
            });
        await NextPassAsync();
        release.SetResult();

        var coalesced = await NextPassAsync();
        await WaitArmedAsync(2);

        coalesced.Request.Trigger.Should().Be(ReconcileTrigger.Event, "the most urgent trigger of the burst names the pass");
        _passes.Reader.TryRead(out _).Should().BeFalse("a burst of requests is one pass");
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task RunAsync_PassReturnsNull_LoopEnds()
    {
        await RunAsync(CancellationToken.None, _ => null);

        (await NextPassAsync()).Request.Trigger.Should().Be(ReconcileTrigger.Timer);
        _passes.Reader.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public async Task RunAsync_AlreadyRunning_Throws()
    {
        using var cts = new CancellationTokenSource();
        var run = RunAsync(cts.Token);
        await NextPassAsync();

        await FluentActions.Awaiting(() => RunAsync(CancellationToken.None)).Should().ThrowAsync<InvalidOperationException>();
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Merge_DryRunOnlyWhenAllAskedForIt()
    {
        ReconcileLoop.Merge([new ReconcileRequest { DryRun = true }, new ReconcileRequest { DryRun = false }]).DryRun.Should().BeFalse();
        ReconcileLoop.Merge([new ReconcileRequest { DryRun = true }, new ReconcileRequest { DryRun = true }]).DryRun.Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_FailingPasses_BackOffDoublingWithinTheKeptIntervalAndSayTheReasonOnce()
    {
        using var cts = new CancellationTokenSource();
        _loop.RetryDelay = TimeSpan.FromSeconds(5);
        var good = new[] { 1, 7 };
        var run = RunAsync(cts.Token, n => good.Contains(n) ? TimeSpan.FromSeconds(20) : throw new IOException("disk gone"));

        var at = new List<DateTimeOffset> { (await NextPassAsync()).At };
        foreach (var wait in new[] { 20, 5, 10, 20, 20, 20 })
        {
            await WaitArmedAsync(at.Count);
            _time.Advance(TimeSpan.FromSeconds(wait));
            at.Add((await NextPassAsync()).At);
        }

        // Pass 1 asked for 20 s; passes 2-6 failed: 5, 10, then never more than the 20 s interval; pass 7 is good.
        at.Zip(at.Skip(1), (a, b) => (b - a).TotalSeconds).Should().Equal(20, 5, 10, 20, 20, 20);
        _said.Should().ContainSingle("the same failure in a row is said once").Which.Message.Should().Be("disk gone");
        await cts.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Backoff_NeverBelowTheDelayNorAboveTheInterval()
    {
        ReconcileLoop.Backoff(TimeSpan.FromSeconds(1), 1, TimeSpan.FromSeconds(30)).Should().Be(TimeSpan.FromSeconds(1));
        ReconcileLoop.Backoff(TimeSpan.FromSeconds(1), 3, TimeSpan.FromSeconds(30)).Should().Be(TimeSpan.FromSeconds(4));
        ReconcileLoop.Backoff(TimeSpan.FromSeconds(1), 64, TimeSpan.FromSeconds(30)).Should().Be(TimeSpan.FromSeconds(30));
        ReconcileLoop.Backoff(TimeSpan.FromSeconds(10), 1, TimeSpan.Zero).Should().Be(TimeSpan.FromSeconds(10), "a heartbeat-pulled zero wait never makes a tight loop");
    }

    private sealed class NeverReconciler : IReconciler
    {
        public Task<DriftReport> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("these tests drive passes of their own");
    }
}
