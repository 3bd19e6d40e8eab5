using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Hermes.Tests;

public sealed class HermesSqliteKanbanGatewayTests : IDisposable
{
    private const long Now = 1_800_000_000;
    private const string TaskId = "t_0a1b2c3d";
    private readonly TestBoard _board = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(Now));

    public void Dispose() => _board.Dispose();

    [Fact]
    public async Task CommentAsync_RunningTask_WritesCommentRowAndCommentedEvent()
    {
        _board.AddTask(TaskId);
        var gateway = Create();

        var result = await gateway.CommentAsync("  drift: ünïcode \"quoted\" \\ path\n\tdone 🚀  ");

        result.Should().Be(KanbanResult.Success);
        var comment = _board.Row("task_comments", "task_id = $t", ("$t", TaskId));
        comment["author"].Should().Be("coder");
        comment["body"].Should().Be("drift: ünïcode \"quoted\" \\ path\n\tdone 🚀");
        comment["created_at"].Should().Be(Now);
        var ev = _board.Row("task_events", "task_id = $t", ("$t", TaskId));
        ev["kind"].Should().Be("commented");
        ev["run_id"].Should().BeNull();
        // json.dumps(..., ensure_ascii=False): spaced separators, len of the unstripped body in code points (the emoji is one).
        ev["payload"].Should().Be("{\"author\": \"coder\", \"len\": 42}");
        ev["created_at"].Should().Be(Now);
        _board.Row("tasks", "id = $t", ("$t", TaskId))["status"].Should().Be("running");
    }

    [Fact]
    public async Task CommentAsync_NoProfile_AuthorIsWorker()
    {
        _board.AddTask(TaskId);
        var env = Env();
        env.Remove("HERMES_PROFILE");

        (await Create(env).CommentAsync("hi")).IsOk.Should().BeTrue();

        _board.Row("task_comments", "1 = 1")["author"].Should().Be("worker");
    }

    [Fact]
    public async Task CommentAsync_UnknownTask_RejectedAndNothingWritten()
    {
        _board.AddTask("t_other000");

        var result = await Create().CommentAsync("hello");

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain("unknown task " + TaskId);
        _board.Rows("task_comments").Should().BeEmpty();
        _board.Rows("task_events").Should().BeEmpty();
    }

    [Fact]
    public async Task CommentAsync_BlankBody_Rejected()
    {
        _board.AddTask(TaskId);

        (await Create().CommentAsync(" \n ")).Outcome.Should().Be(KanbanOutcome.Rejected);

        _board.Rows("task_comments").Should().BeEmpty();
    }

    [Fact]
    public async Task HeartbeatAsync_OwnClaimLock_ExtendsClaimAndTouchesTaskAndRun()
    {
        _board.AddTask(TaskId, claimLock: "host:42", claimExpires: Now - 10, runId: 7);

        var result = await Create().HeartbeatAsync("alive, 2 drifts detected");

        result.Should().Be(KanbanResult.Success);
        var task = _board.Row("tasks", "id = $t", ("$t", TaskId));
        task["claim_expires"].Should().Be(Now + 900);
        task["last_heartbeat_at"].Should().Be(Now);
        task["claim_lock"].Should().Be("host:42");
        task["status"].Should().Be("running");
        var run = _board.Row("task_runs", "id = 7");
        run["claim_expires"].Should().Be(Now + 900);
        run["last_heartbeat_at"].Should().Be(Now);
        var ev = _board.Row("task_events", "1 = 1");
        ev["kind"].Should().Be("heartbeat");
        ev["run_id"].Should().Be(7L);
        ev["payload"].Should().Be("{\"note\": \"alive, 2 drifts detected\"}");
        ev["created_at"].Should().Be(Now);
    }

    [Fact]
    public async Task HeartbeatAsync_ClaimTtlFromEnvironment_ExtendsByThatTtl()
    {
        _board.AddTask(TaskId);
        var env = Env();
        env["HERMES_KANBAN_CLAIM_TTL_SECONDS"] = "3600";

        (await Create(env).HeartbeatAsync(null)).Should().Be(KanbanResult.Success);

        _board.Row("tasks", "1 = 1")["claim_expires"].Should().Be(Now + 3600);
    }

    [Fact]
    public async Task HeartbeatAsync_WrongClaimLock_RecordsHeartbeatWithoutExtendingClaim()
    {
        _board.AddTask(TaskId, claimLock: "otherhost:99", claimExpires: 1_234);

        var result = await Create().HeartbeatAsync("alive");

        result.Outcome.Should().Be(KanbanOutcome.Ok);
        result.Reason.Should().Contain("claim not extended");
        var task = _board.Row("tasks", "1 = 1");
        task["claim_expires"].Should().Be(1_234L);
        task["last_heartbeat_at"].Should().Be(Now);
        _board.Row("task_runs", "id = 7")["claim_expires"].Should().Be(1_234L);
        _board.Row("task_events", "1 = 1")["kind"].Should().Be("heartbeat");
    }

    [Fact]
    public async Task HeartbeatAsync_NoNote_EventPayloadIsNull()
    {
        _board.AddTask(TaskId);

        await Create().HeartbeatAsync(null);

        var ev = _board.Row("task_events", "1 = 1");
        ev["kind"].Should().Be("heartbeat");
        ev["payload"].Should().BeNull();
    }

    [Fact]
    public async Task HeartbeatAsync_BlockedTask_RejectedAndNothingWritten()
    {
        _board.AddTask(TaskId, status: "blocked", claimLock: null, claimExpires: null, runId: null);
        var env = Env();
        env.Remove("HERMES_KANBAN_RUN_ID");

        var result = await Create(env).HeartbeatAsync("alive");

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain("blocked, not running");
        _board.Rows("task_events").Should().BeEmpty();
        _board.Row("tasks", "1 = 1")["last_heartbeat_at"].Should().BeNull();
    }

    [Fact]
    public async Task HeartbeatAsync_RunReclaimedAndReplaced_RejectedAndClaimNotExtended()
    {
        // The worker's run 7 was reclaimed; the task now runs as run 8 under the same lock string.
        _board.AddTask(TaskId, runId: 8, claimExpires: 1_000);

        var result = await Create().HeartbeatAsync("alive");

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain("run 7 is not the current run");
        _board.Row("tasks", "1 = 1")["claim_expires"].Should().Be(1_000L);
        _board.Rows("task_events").Should().BeEmpty();
    }

    [Fact]
    public async Task HeartbeatAsync_UnknownTask_Rejected()
    {
        var result = await Create().HeartbeatAsync("alive");

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain("unknown task");
    }

    [Fact]
    public async Task BlockAsync_RunningTaskNeedsInput_BlocksClosesRunAndRecordsEvent()
    {
        _board.AddTask(TaskId);
        const string reason = "stop-requested by user at 2027-01-15T08:00:00Z";

        var result = await Create().BlockAsync(reason, KanbanBlockKind.NeedsInput);

        result.Should().Be(KanbanResult.Success);
        var task = _board.Row("tasks", "1 = 1");
        task["status"].Should().Be("blocked");
        task["block_kind"].Should().Be("needs_input");
        task["block_recurrences"].Should().Be(1L);
        task["claim_lock"].Should().BeNull();
        task["claim_expires"].Should().BeNull();
        task["worker_pid"].Should().BeNull();
        task["current_run_id"].Should().BeNull();
        var run = _board.Row("task_runs", "id = 7");
        run["status"].Should().Be("blocked");
        run["outcome"].Should().Be("blocked");
        run["summary"].Should().Be(reason);
        run["ended_at"].Should().Be(Now);
        run["claim_lock"].Should().BeNull();
        run["claim_expires"].Should().BeNull();
        run["worker_pid"].Should().BeNull();
        run["error"].Should().BeNull();
        run["metadata"].Should().BeNull();
        var ev = _board.Row("task_events", "1 = 1");
        ev["kind"].Should().Be("blocked");
        ev["run_id"].Should().Be(7L);
        ev["payload"].Should().Be("{\"reason\": \"" + reason + "\", \"kind\": \"needs_input\", \"recurrences\": 1}");
        ev["created_at"].Should().Be(Now);
        _board.Rows("task_comments").Should().BeEmpty("the worker tool does not add a comment; only the CLI verb does");
    }

    [Fact]
    public async Task BlockAsync_NoKind_PayloadKindIsNull()
    {
        _board.AddTask(TaskId);

        (await Create().BlockAsync("why", null)).Should().Be(KanbanResult.Success);

        _board.Row("tasks", "1 = 1")["block_kind"].Should().BeNull();
        _board.Row("task_events", "1 = 1")["payload"].Should().Be("{\"reason\": \"why\", \"kind\": null, \"recurrences\": 1}");
    }

    [Fact]
    public async Task BlockAsync_Dependency_GoesToTodoWithDependencyWaitEvent()
    {
        _board.AddTask(TaskId, blockRecurrences: 1, blockKind: "needs_input");

        (await Create().BlockAsync("waiting on t_parent01", KanbanBlockKind.Dependency)).Should().Be(KanbanResult.Success);

        var task = _board.Row("tasks", "1 = 1");
        task["status"].Should().Be("todo");
        task["block_kind"].Should().Be("dependency");
        task["block_recurrences"].Should().Be(1L, "a dependency wait does not touch the loop counter");
        task["claim_lock"].Should().BeNull();
        task["current_run_id"].Should().BeNull();
        var ev = _board.Row("task_events", "1 = 1");
        ev["kind"].Should().Be("dependency_wait");
        ev["run_id"].Should().Be(7L);
        ev["payload"].Should().Be("{\"reason\": \"waiting on t_parent01\", \"kind\": \"dependency\"}");
    }

    [Fact]
    public async Task BlockAsync_SameKindAfterUnblock_RoutesToTriageWithLoopEvent()
    {
        _board.AddTask(TaskId, blockKind: "needs_input", blockRecurrences: 1);

        (await Create().BlockAsync("still need input", KanbanBlockKind.NeedsInput)).Should().Be(KanbanResult.Success);

        var task = _board.Row("tasks", "1 = 1");
        task["status"].Should().Be("triage");
        task["block_recurrences"].Should().Be(2L);
        var ev = _board.Row("task_events", "1 = 1");
        ev["kind"].Should().Be("block_loop_detected");
        ev["payload"].Should().Be("{\"reason\": \"still need input\", \"kind\": \"needs_input\", \"recurrences\": 2, \"limit\": 2}");
    }

    [Fact]
    public async Task BlockAsync_DifferentKindAfterUnblock_ResetsRecurrencesToOne()
    {
        _board.AddTask(TaskId, blockKind: "capability", blockRecurrences: 1);

        await Create().BlockAsync("need a person", KanbanBlockKind.NeedsInput);

        var task = _board.Row("tasks", "1 = 1");
        task["status"].Should().Be("blocked");
        task["block_recurrences"].Should().Be(1L);
    }

    [Fact]
    public async Task BlockAsync_ReadyTaskNeverClaimed_SynthesizesClosedRun()
    {
        _board.AddTask(TaskId, status: "ready", claimLock: null, claimExpires: null, runId: null);
        var env = Env();
        env.Remove("HERMES_KANBAN_RUN_ID");

        (await Create(env).BlockAsync("cannot start", KanbanBlockKind.Capability)).Should().Be(KanbanResult.Success);

        var run = _board.Row("task_runs", "task_id = $t", ("$t", TaskId));
        run["profile"].Should().Be("coder");
        run["status"].Should().Be("blocked");
        run["outcome"].Should().Be("blocked");
        run["summary"].Should().Be("cannot start");
        run["started_at"].Should().Be(Now);
        run["ended_at"].Should().Be(Now);
        _board.Row("task_events", "1 = 1")["run_id"].Should().Be(run["id"]);
    }

    [Theory]
    [InlineData("blocked")]
    [InlineData("done")]
    [InlineData("todo")]
    [InlineData("triage")]
    public async Task BlockAsync_TaskNotRunningOrReady_RejectedAndNothingWritten(string status)
    {
        _board.AddTask(TaskId, status: status, blockKind: "needs_input", blockRecurrences: 1);

        var result = await Create().BlockAsync("stop", KanbanBlockKind.NeedsInput);

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain($"it is {status}");
        var task = _board.Row("tasks", "1 = 1");
        task["status"].Should().Be(status);
        task["block_recurrences"].Should().Be(1L);
        _board.Rows("task_events").Should().BeEmpty();
        _board.Row("task_runs", "id = 7")["ended_at"].Should().BeNull();
    }

    [Fact]
    public async Task BlockAsync_RunReclaimedAndReplaced_RejectedAndNothingWritten()
    {
        // The worker's run 7 was reclaimed; the task now runs as run 8.
        _board.AddTask(TaskId, runId: 8, blockKind: "needs_input", blockRecurrences: 1);

        var result = await Create().BlockAsync("stop", KanbanBlockKind.NeedsInput);

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain("run 7 is not its current run");
        var task = _board.Row("tasks", "1 = 1");
        task["status"].Should().Be("running");
        task["block_recurrences"].Should().Be(1L);
        _board.Rows("task_events").Should().BeEmpty();
    }

    [Fact]
    public async Task BlockAsync_UnknownTask_Rejected()
    {
        var result = await Create().BlockAsync("stop", KanbanBlockKind.NeedsInput);

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain("unknown task");
    }

    [Theory]
    [InlineData(KanbanBlockKind.Capability)]
    [InlineData(KanbanBlockKind.Transient)]
    [InlineData(null)]
    public async Task BlockAsync_GoalModeWithOtherKind_RejectedLikeHermesTool(KanbanBlockKind? kind)
    {
        _board.AddTask(TaskId, goalMode: 1);

        var result = await Create().BlockAsync("cannot", kind);

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain("goal_mode tasks can only block with kind in ['dependency', 'needs_input']");
        _board.Row("tasks", "1 = 1")["status"].Should().Be("running");
        _board.Rows("task_events").Should().BeEmpty();
    }

    [Fact]
    public async Task BlockAsync_GoalModeNeedsInput_Blocks()
    {
        _board.AddTask(TaskId, goalMode: 1);

        (await Create().BlockAsync("stop-requested by user", KanbanBlockKind.NeedsInput)).Should().Be(KanbanResult.Success);

        _board.Row("tasks", "1 = 1")["status"].Should().Be("blocked");
    }

    [Fact]
    public async Task ReadCommentsAsync_FromCursor_ReturnsOnlyNewCommentsAndMarksOwn()
    {
        _board.AddTask(TaskId);
        _board.AddTask("t_other000", runId: null);
        var gateway = Create();
        _board.AddComment(TaskId, "alice", "please check", Now - 60);
        await gateway.CommentAsync("drift found");
        _board.AddComment("t_other000", "alice", "elsewhere", Now);

        var first = await gateway.ReadCommentsAsync(null);

        first.Result.Should().Be(KanbanResult.Success);
        first.Comments.Should().Equal(
            new KanbanComment("alice", "please check", DateTimeOffset.FromUnixTimeSeconds(Now - 60), false),
            new KanbanComment("coder", "drift found", DateTimeOffset.FromUnixTimeSeconds(Now), true));

        _board.AddComment(TaskId, "alice", "stop", Now + 5);
        var second = await gateway.ReadCommentsAsync(first.Cursor);

        second.Comments.Should().ContainSingle().Which.Body.Should().Be("stop");
        var third = await gateway.ReadCommentsAsync(second.Cursor);
        third.Comments.Should().BeEmpty();
        third.Cursor.Should().Be(second.Cursor);
    }

    [Fact]
    public async Task ReadCommentsAsync_InvalidCursor_Rejected()
    {
        _board.AddTask(TaskId);

        var page = await Create().ReadCommentsAsync(new KanbanCursor("v1:12:3"));

        page.Result.Outcome.Should().Be(KanbanOutcome.Rejected);
        page.Comments.Should().BeEmpty();
    }

    [Fact]
    public async Task CommentAsync_AnotherWriterHoldsTheLock_WaitsAndSucceeds()
    {
        _board.AddTask(TaskId);
        var gateway = (HermesSqliteKanbanGateway)Create(busyTimeout: TimeSpan.FromMilliseconds(50), lockTimeout: TimeSpan.FromMinutes(2), time: TimeProvider.System);
        using var blocker = _board.Open();
        TestBoard.Exec(blocker, "BEGIN IMMEDIATE");

        var call = gateway.CommentAsync("after the lock");
        var sawWaiting = await PollAsync(() => gateway.BusyRetries > 0 || call.IsCompleted);

        sawWaiting.Should().BeTrue();
        call.IsCompleted.Should().BeFalse("the board is locked, so the call must wait, not fail");
        TestBoard.Exec(blocker, "COMMIT");
        (await call).Should().Be(KanbanResult.Success);
        _board.Row("task_comments", "1 = 1")["body"].Should().Be("after the lock");
    }

    [Fact]
    public async Task CommentAsync_LockedBeyondLockTimeout_Failed()
    {
        _board.AddTask(TaskId);
        var gateway = Create(busyTimeout: TimeSpan.FromMilliseconds(50), lockTimeout: TimeSpan.Zero);
        using var blocker = _board.Open();
        TestBoard.Exec(blocker, "BEGIN IMMEDIATE");

        var result = await gateway.CommentAsync("x");

        TestBoard.Exec(blocker, "ROLLBACK");
        result.Outcome.Should().Be(KanbanOutcome.Failed);
        result.Reason.Should().Contain("database is locked");
        _board.Rows("task_comments").Should().BeEmpty();
    }

    [Fact]
    public async Task CommentAsync_RollbackJournalBoard_LeavesJournalModeAlone()
    {
        using var board = new TestBoard("delete");
        board.AddTask(TaskId);
        var env = Env();
        env["HERMES_KANBAN_DB"] = board.DatabasePath;

        (await HermesKanban.CreateSqliteGateway(new HermesKanbanOptions { Environment = env }, _time).CommentAsync("x")).IsOk.Should().BeTrue();

        board.JournalMode().Should().Be("delete");
        _board.JournalMode().Should().Be("wal");
    }

    [Fact]
    public async Task CommentAsync_MissingBoardFile_FailedAndFileNotCreated()
    {
        var env = Env();
        var missing = Path.Combine(_board.Directory, "nope", "kanban.db");
        env["HERMES_KANBAN_DB"] = missing;

        var result = await HermesKanban.CreateSqliteGateway(new HermesKanbanOptions { Environment = env }, _time).CommentAsync("x");

        result.Outcome.Should().Be(KanbanOutcome.Failed);
        File.Exists(missing).Should().BeFalse();
    }

    [Fact]
    public void CreateSqliteGateway_NoTask_Throws()
    {
        var env = Env();
        env.Remove("HERMES_KANBAN_TASK");

        var act = () => HermesKanban.CreateSqliteGateway(new HermesKanbanOptions { Environment = env });

        act.Should().Throw<InvalidOperationException>().WithMessage("*HERMES_KANBAN_TASK*");
    }

    private static async Task<bool> PollAsync(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (condition())
            {
                return true;
            }

            await Task.Yield();
            await Task.Delay(10);
        }

        return condition();
    }

    private Dictionary<string, string?> Env() => new()
    {
        ["HERMES_KANBAN_DB"] = _board.DatabasePath,
        ["HERMES_KANBAN_TASK"] = TaskId,
        ["HERMES_KANBAN_RUN_ID"] = "7",
        ["HERMES_KANBAN_CLAIM_LOCK"] = "host:42",
        ["HERMES_PROFILE"] = "coder",
        ["HOME"] = _board.Directory,
    };

    private IKanbanGateway Create(Dictionary<string, string?>? env = null, TimeSpan? busyTimeout = null, TimeSpan? lockTimeout = null, TimeProvider? time = null) =>
        HermesKanban.CreateSqliteGateway(
            new HermesKanbanOptions
            {
                Environment = env ?? Env(),
                BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5),
                LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30),
            },
            time ?? _time,
            NullLoggerFactory.Instance);
}
