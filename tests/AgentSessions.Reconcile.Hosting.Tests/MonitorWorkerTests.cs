using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Hosting;

public sealed class MonitorWorkerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(T0);
    private readonly FakeKanbanGateway _gateway;
    private readonly ScriptedReconciler _reconciler;
    private readonly TestLifetime _lifetime = new();
    private readonly CollectingLogger<MonitorWorker> _logger = new();
    private readonly ReconcileLoop _loop;

    public MonitorWorkerTests()
    {
        _gateway = new FakeKanbanGateway("worker", _time);
        _reconciler = new ScriptedReconciler(_time);
        _loop = new ReconcileLoop(_reconciler, timeProvider: _time);
    }

    private static Drift D(string session, DriftClass? c = null) =>
        new(c ?? DriftClass.TmuxGone, session, $"{session}: tmux gone. Marked terminated.");

    private MonitorWorker Create(Action<MonitorOptions>? configure = null, IKanbanGateway? gateway = null)
    {
        var options = new MonitorOptions();
        configure?.Invoke(options);
        return new MonitorWorker(gateway ?? _gateway, Options.Create(options), _time, _logger, _lifetime, _loop);
    }

    // Runs a pass, then moves the clock to when the next one is due.
    private async Task<MonitorTick> TickAndAdvanceAsync(MonitorWorker worker)
    {
        var tick = await worker.TickAsync(CancellationToken.None);
        _time.Advance(tick.NextDelay);
        return tick;
    }

    [Theory]
    [InlineData(0, 30)]
    [InlineData(4, 30)]
    [InlineData(5, 60)]
    [InlineData(9, 60)]
    public async Task TickAsync_RunningSessions_IntervalSwitchesAtFive(int running, int expectedSeconds)
    {
        var worker = Create();
        _reconciler.RunningCount = running;

        var tick = await worker.TickAsync(CancellationToken.None);

        tick.End.Should().Be(MonitorEnd.None);
        tick.NextDelay.Should().Be(TimeSpan.FromSeconds(expectedSeconds));
    }

    [Fact]
    public async Task TickAsync_RunningCountFallsBelowThreshold_SwitchesBack()
    {
        var worker = Create();
        _reconciler.NextRunning(5);
        _reconciler.NextRunning(4);
        _reconciler.NextRunning(6);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            delays.Add((await TickAndAdvanceAsync(worker)).NextDelay);
        }

        delays.Should().Equal(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task TickAsync_ReportSaysWhenNextPassIsDue_WaitsThatLong()
    {
        var worker = Create();
        _reconciler.NextRequeue(TimeSpan.FromSeconds(1));
        _reconciler.NextRequeue(TimeSpan.FromSeconds(2));

        (await TickAndAdvanceAsync(worker)).NextDelay.Should().Be(TimeSpan.FromSeconds(1));
        (await TickAndAdvanceAsync(worker)).NextDelay.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task TickAsync_TenMinutesOfPasses_HeartbeatEveryFiveMinutesWithCountAndLastTime()
    {
        var worker = Create();
        _reconciler.Next();
        _reconciler.Next(D("lab-a-creator-claude"), D("lab-b-creator-agy"));
        _reconciler.Next(D("lab-c-creator-claude"));

        while (_time.GetUtcNow() <= T0.AddMinutes(10))
        {
            await TickAndAdvanceAsync(worker);
        }

        _gateway.Heartbeats.Select(h => h.At).Should().Equal(T0, T0.AddMinutes(5), T0.AddMinutes(10));
        _gateway.Heartbeats[0].Note.Should().Be("alive, 0 drifts detected, last at never");
        _gateway.Heartbeats[1].Note.Should().Be("alive, 3 drifts detected, last at 2026-05-01T12:01:00Z");
        _gateway.Heartbeats[2].Note.Should().Be("alive, 3 drifts detected, last at 2026-05-01T12:01:00Z");
    }

    [Fact]
    public async Task TickAsync_HeartbeatDueBeforeNextInterval_PassPulledForward()
    {
        var worker = Create();
        for (var i = 0; i < 3; i++)
        {
            _reconciler.NextRequeue(TimeSpan.FromMinutes(4));
        }

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 3; i++)
        {
            delays.Add((await TickAndAdvanceAsync(worker)).NextDelay);
        }

        delays.Should().Equal(TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(4));
        _gateway.Heartbeats.Select(h => h.At).Should().Equal(T0, T0.AddMinutes(5));
    }

    [Fact]
    public async Task TickAsync_NewDrifts_OneCommentPerPass()
    {
        var worker = Create();
        _reconciler.Next(D("s1"), D("s2"), D("s3", DriftClass.Unregistered));
        _reconciler.Next(D("s4"), D("s5"));

        await TickAndAdvanceAsync(worker);
        _gateway.Comments.Should().ContainSingle().Which.Body.Should().Be(
            "agent-sessions: 3 new drifts in lab\n- [A] s1: tmux gone. Marked terminated.\n- [A] s2: tmux gone. Marked terminated.\n- [B] s3: tmux gone. Marked terminated.");

        await TickAndAdvanceAsync(worker);
        _gateway.Comments.Should().HaveCount(2);
        _gateway.Comments[1].Body.Should().StartWith("agent-sessions: 2 new drifts in lab\n- [A] s4");
    }

    [Fact]
    public async Task TickAsync_ManyDrifts_OneBoundedComment()
    {
        var worker = Create();
        _reconciler.Next([.. Enumerable.Range(0, 100).Select(i => D($"lab-session-{i:000}-creator-claude"))]);

        await TickAndAdvanceAsync(worker);

        var body = _gateway.Comments.Should().ContainSingle().Which.Body;
        body.Length.Should().BeLessThanOrEqualTo(2048);
        body.Should().StartWith("agent-sessions: 100 new drifts in lab");
        body.Should().MatchRegex(@"… and \d+ more drifts$");
    }

    [Fact]
    public async Task TickAsync_DriftComesBack_CommentedAgain()
    {
        // A session dies (A), is registered again (B), and dies again (A): the reconciler reports
        // each as new, and each is a comment; the worker keeps no set of its own.
        var worker = Create();
        _reconciler.Next(D("s1"));
        _reconciler.Next(D("s1", DriftClass.Unregistered));
        _reconciler.Next(D("s1"));

        await TickAndAdvanceAsync(worker);
        await TickAndAdvanceAsync(worker);
        await TickAndAdvanceAsync(worker);

        _gateway.Comments.Should().HaveCount(3);
        _gateway.Comments[2].Body.Should().Be("agent-sessions: 1 new drift in lab\n- [A] s1: tmux gone. Marked terminated.");
        worker.DriftsDetected.Should().Be(3);
    }

    [Fact]
    public async Task TickAsync_TerminalJobEventApplied_CommentedInOneLine()
    {
        var worker = Create();
        _reconciler.NextRaw(at => new DriftReport("lab", at, false, [])
        {
            Events =
            [
                new ReconcileJobEvent("j-41", "lab-api-creator-claude", "progress", 3),
                new ReconcileJobEvent("j-42", "lab-api-creator-claude", "completed", 7),
            ],
        });

        await TickAndAdvanceAsync(worker);
        await TickAndAdvanceAsync(worker);

        _gateway.Comments.Should().ContainSingle()
            .Which.Body.Should().Be("agent-sessions: job j-42 completed (seq 7), session lab-api-creator-claude");
    }

    [Fact]
    public async Task TickAsync_NoDrifts_NoComment()
    {
        var worker = Create();

        await TickAndAdvanceAsync(worker);
        await TickAndAdvanceAsync(worker);

        _gateway.Comments.Should().BeEmpty();
        _reconciler.Calls.Should().HaveCount(2);
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("Stop")]
    [InlineData("  stop monitoring  ")]
    [InlineData("stop.")]
    public async Task TickAsync_UserCommentsStop_BlocksNeedsInputAndEnds(string body)
    {
        var worker = Create();
        await TickAndAdvanceAsync(worker);
        _time.Advance(TimeSpan.FromSeconds(7));
        var requestedAt = _time.GetUtcNow();
        _gateway.AddUserComment("alice", body);
        _time.Advance(TimeSpan.FromSeconds(10));

        var tick = await worker.TickAsync(CancellationToken.None);

        tick.End.Should().Be(MonitorEnd.StopRequested);
        var block = _gateway.Blocks.Should().ContainSingle().Subject;
        block.Reason.Should().Be("stop-requested by user at " + requestedAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        block.Reason.Should().Be("stop-requested by user at 2026-05-01T12:00:37Z");
        block.Kind.Should().Be(KanbanBlockKind.NeedsInput);
        _reconciler.Calls.Should().HaveCount(1, "a pass that sees a stop does not reconcile again");
    }

    [Theory]
    [InlineData("stopped")]
    [InlineData("don't stop")]
    [InlineData("the agent stopped at noon")]
    [InlineData("stopwatch says 3 min")]
    public async Task TickAsync_CommentMerelyContainsStop_KeepsMonitoring(string body)
    {
        var worker = Create();
        _gateway.AddUserComment("alice", body);

        var tick = await worker.TickAsync(CancellationToken.None);

        tick.End.Should().Be(MonitorEnd.None);
        _gateway.Blocks.Should().BeEmpty();
    }

    [Fact]
    public async Task TickAsync_WorkersOwnStopComment_KeepsMonitoring()
    {
        var worker = Create();
        await _gateway.CommentAsync("stop");
        await _gateway.CommentAsync("stop monitoring: session lab-a stopped");

        var first = await TickAndAdvanceAsync(worker);
        var second = await worker.TickAsync(CancellationToken.None);

        first.End.Should().Be(MonitorEnd.None);
        second.End.Should().Be(MonitorEnd.None);
        _gateway.Blocks.Should().BeEmpty();
    }

    [Fact]
    public async Task TickAsync_StopFromBeforeStart_Ignored()
    {
        _gateway.AddUserComment("alice", "stop", T0.AddHours(-1));
        var worker = Create();

        var tick = await worker.TickAsync(CancellationToken.None);

        tick.End.Should().Be(MonitorEnd.None);
        _gateway.Blocks.Should().BeEmpty();
    }

    [Fact]
    public async Task TickAsync_BlockFails_RetriedNextPassThenEnds()
    {
        var worker = Create();
        _gateway.AddUserComment("alice", "stop");
        _gateway.FailNext(KanbanOperation.Block, KanbanResult.Failed("database is locked"));

        var first = await TickAndAdvanceAsync(worker);
        var second = await worker.TickAsync(CancellationToken.None);

        first.End.Should().Be(MonitorEnd.None);
        first.Failure.Should().BeOfType<KanbanCallFailedException>("a failing pass: the loop backs off");
        second.End.Should().Be(MonitorEnd.StopRequested);
        _gateway.Blocks.Should().ContainSingle().Which.Reason.Should().Be("stop-requested by user at 2026-05-01T12:00:00Z");
    }

    [Fact]
    public async Task TickAsync_BlockRejected_StillEnds()
    {
        var worker = Create();
        _gateway.AddUserComment("alice", "stop");
        _gateway.FailNext(KanbanOperation.Block, KanbanResult.Rejected("task is blocked already"));

        var tick = await worker.TickAsync(CancellationToken.None);

        tick.End.Should().Be(MonitorEnd.StopRequested);
    }

    [Fact]
    public async Task TickAsync_CommentFails_RetriedWithBackoffAndSentOnceInOneComment()
    {
        var worker = Create();
        _gateway.FailNext(KanbanOperation.Comment, KanbanResult.Failed("database is locked"), times: 2);
        _reconciler.Next(D("s1"));
        _reconciler.Next(D("s2"));

        var t1 = await TickAndAdvanceAsync(worker);
        var t2 = await TickAndAdvanceAsync(worker);
        var t3 = await TickAndAdvanceAsync(worker);
        var t4 = await TickAndAdvanceAsync(worker);

        new[] { t1.Failure is null, t2.Failure is null, t3.Failure is null, t4.Failure is null }.Should().Equal(false, false, true, true);
        new[] { t3.NextDelay, t4.NextDelay }.Should().Equal(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        _gateway.Comments.Should().ContainSingle().Which.Body.Should().Be(
            "agent-sessions: 2 new drifts in lab\n- [A] s1: tmux gone. Marked terminated.\n- [A] s2: tmux gone. Marked terminated.");
        _reconciler.Calls.Should().HaveCount(4, "the loop keeps reconciling while the card is unreachable");
    }

    [Fact]
    public async Task ExecuteAsync_HeartbeatKeepsFailing_BackoffDoublesUpToInterval()
    {
        var worker = Create(o => o.RetryDelay = TimeSpan.FromSeconds(10));
        _gateway.FailNext(KanbanOperation.Heartbeat, KanbanResult.Failed("database is locked"), times: 4);

        await worker.StartAsync(CancellationToken.None);
        var waits = new[] { 10, 20, 30, 30 };
        for (var i = 0; i < waits.Length; i++)
        {
            await Poll.UntilAsync(() => worker.CompletedTicks == i + 1, $"pass {i + 1}");
            _time.Advance(TimeSpan.FromSeconds(waits[i]));
        }

        await Poll.UntilAsync(() => worker.CompletedTicks == 5, "pass 5");
        _reconciler.Calls.Should().Equal(T0, T0.AddSeconds(10), T0.AddSeconds(30), T0.AddSeconds(60), T0.AddSeconds(90));
        _gateway.Heartbeats.Should().ContainSingle().Which.At.Should().Be(T0.AddSeconds(90));
        _logger.Records.Count(r => r.Message.Contains("failed kanban call")).Should().Be(1, "the reason is said once");
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task TickAsync_GatewayThrows_TreatedAsFailureAndLoopContinues()
    {
        var throwing = new ThrowingGateway(_gateway);
        var worker = Create(gateway: throwing);
        _reconciler.Next(D("s1"));

        var first = await TickAndAdvanceAsync(worker);
        throwing.Throwing = false;
        var second = await TickAndAdvanceAsync(worker);

        first.End.Should().Be(MonitorEnd.None);
        first.Failure.Should().NotBeNull();
        second.Failure.Should().BeNull();
        second.NextDelay.Should().Be(TimeSpan.FromSeconds(30));
        _gateway.Comments.Should().ContainSingle().Which.Body.Should().Contain("s1");
        _gateway.Heartbeats.Should().ContainSingle();
    }

    [Fact]
    public async Task TickAsync_ReadCommentsFails_StillReconcilesAndBacksOff()
    {
        var worker = Create();
        _gateway.FailNext(KanbanOperation.ReadComments, KanbanResult.Failed("database is locked"));

        var tick = await worker.TickAsync(CancellationToken.None);

        tick.Failure.Should().NotBeNull();
        _reconciler.Calls.Should().HaveCount(1);
    }

    [Fact]
    public async Task TickAsync_HeartbeatRejected_EndsTaskNotRunning()
    {
        var worker = Create();
        _gateway.FailNext(KanbanOperation.Heartbeat, KanbanResult.Rejected("task t_1234abcd is not running"));

        var tick = await worker.TickAsync(CancellationToken.None);

        tick.End.Should().Be(MonitorEnd.TaskNotRunning);
        _gateway.Blocks.Should().BeEmpty();
    }

    [Fact]
    public async Task TickAsync_ReconcilerThrows_CommentsOnceAndFailsThePass()
    {
        var worker = Create();
        _reconciler.NextThrows(new RegistryException("agent-sessions.yaml(3,5): sessions[0].status: unknown value 'runing'"));
        _reconciler.NextThrows(new RegistryException("agent-sessions.yaml(3,5): sessions[0].status: unknown value 'runing'"));
        _reconciler.Next(D("s1"));
        _reconciler.NextThrows(new TimeoutException("registry lock not acquired within 00:00:10"));

        var failed = new List<bool>();
        for (var i = 0; i < 4; i++)
        {
            var tick = await TickAndAdvanceAsync(worker);
            tick.End.Should().Be(MonitorEnd.None);
            failed.Add(tick.Failure is not null);
        }

        failed.Should().Equal(true, true, false, true);
        _gateway.Comments.Select(c => c.Body).Should().SatisfyRespectively(
            c => c.Should().StartWith("agent-sessions: reconcile pass failed (RegistryException): agent-sessions.yaml(3,5): sessions[0].status: unknown value 'runing'"),
            c => c.Should().StartWith("agent-sessions: 1 new drift in lab"),
            c => c.Should().StartWith("agent-sessions: reconcile pass failed (TimeoutException): registry lock"));
        _gateway.Heartbeats.Should().ContainSingle("the heartbeat does not depend on the pass");
    }

    [Fact]
    public async Task ExecuteAsync_HeartbeatRejected_StopsApplicationCleanlyWithLogLine()
    {
        var worker = Create();
        _gateway.FailNext(KanbanOperation.Heartbeat, KanbanResult.Rejected("task is not running"));

        await worker.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => worker.ExecuteTask!.IsCompleted, "the loop ends");

        worker.ExecuteTask!.IsCompletedSuccessfully.Should().BeTrue();
        _lifetime.StopRequested.Should().BeTrue();
        _logger.Records.Should().Contain(r => r.Message.Contains("no longer running") && r.Message.Contains("task is not running"));
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_UserCommentsStop_BlocksAndStopsApplication()
    {
        var worker = Create();
        await worker.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => worker.CompletedTicks == 1, "the first pass");

        _gateway.AddUserComment("alice", "stop monitoring");
        _time.Advance(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => worker.ExecuteTask!.IsCompleted, "the loop ends");

        worker.ExecuteTask!.IsCompletedSuccessfully.Should().BeTrue();
        _lifetime.StopRequested.Should().BeTrue();
        _gateway.Blocks.Should().ContainSingle().Which.Kind.Should().Be(KanbanBlockKind.NeedsInput);
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_ReconcilerThrowsEveryPass_LoopSurvives()
    {
        var worker = Create();
        for (var i = 0; i < 4; i++)
        {
            _reconciler.NextThrows(new RegistryException("registry invalid"));
        }

        await worker.StartAsync(CancellationToken.None);
        for (var i = 1; i <= 4; i++)
        {
            await Poll.UntilAsync(() => worker.CompletedTicks == i, $"pass {i}");
            _time.Advance(TimeSpan.FromSeconds(30));
        }

        await Poll.UntilAsync(() => worker.CompletedTicks == 5, "pass 5");
        worker.ExecuteTask!.IsCompleted.Should().BeFalse();
        _lifetime.StopRequested.Should().BeFalse();
        _reconciler.Calls.Should().HaveCount(5);
        _gateway.Comments.Should().ContainSingle().Which.Body.Should().Contain("registry invalid");
        _logger.Records.Count(r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error).Should().Be(1, "the same reason is said once");
        await worker.StopAsync(CancellationToken.None);
        worker.ExecuteTask!.IsCompletedSuccessfully.Should().BeTrue();
    }

    [Fact]
    public async Task ExecuteAsync_PassThrowsUnexpectedly_LoopSurvives()
    {
        var worker = Create();
        _reconciler.NextRaw(at => new DriftReport("lab", at, false, null!)); // a broken report: the pass itself throws
        _reconciler.Next(D("s1"));

        await worker.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => worker.CompletedTicks == 1, "the first pass");
        _time.Advance(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => worker.CompletedTicks == 2, "the second pass");

        worker.ExecuteTask!.IsCompleted.Should().BeFalse();
        _gateway.Comments.Should().ContainSingle().Which.Body.Should().Contain("s1");
        _logger.Records.Should().Contain(r => r.Message.Contains("failed unexpectedly"));
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_FiveRunningSessions_WaitsBusyIntervalBetweenPasses()
    {
        var worker = Create();
        _reconciler.RunningCount = 5;

        await worker.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => worker.CompletedTicks == 1, "the first pass");
        _time.Advance(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => worker.CompletedTicks == 2, "the second pass");
        _reconciler.RunningCount = 1;
        _time.Advance(TimeSpan.FromSeconds(60));
        await Poll.UntilAsync(() => worker.CompletedTicks == 3, "the third pass");
        _time.Advance(TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(() => worker.CompletedTicks == 4, "the fourth pass");

        _reconciler.Calls.Should().Equal(T0, T0.AddSeconds(60), T0.AddSeconds(120), T0.AddSeconds(150));
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ExecuteAsync_EventRequested_PassRunsBeforeTheTimerWithEventTrigger()
    {
        var worker = Create();
        await worker.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => worker.CompletedTicks == 1, "the first pass");
        _time.Advance(TimeSpan.FromSeconds(5));

        await _loop.RequestAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Event });
        await Poll.UntilAsync(() => worker.CompletedTicks == 2, "the event pass");

        _reconciler.Calls.Should().Equal(T0, T0.AddSeconds(5));
        _reconciler.Requests.Select(r => r.Trigger).Should().Equal(ReconcileTrigger.Timer, ReconcileTrigger.Event);
        await worker.StopAsync(CancellationToken.None);
    }
}
