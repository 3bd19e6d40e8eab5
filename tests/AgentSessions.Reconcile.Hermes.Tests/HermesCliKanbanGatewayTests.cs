using System.Text.Json;

namespace AgentSessions.Reconcile.Hermes.Tests;

/// <summary>Runs the CLI gateway against a fake <c>hermes</c> (a python3 script on PATH) that records its argv and prints canned output.</summary>
public sealed class HermesCliKanbanGatewayTests : IDisposable
{
    private const string TaskId = "t_0a1b2c3d";

    private const string FakeHermes = """
        #!/usr/bin/env python3
        import json, os, sys, time
        d = os.environ["FAKE_HERMES_DIR"]
        with open(os.path.join(d, "calls.jsonl"), "a", encoding="utf-8") as f:
            f.write(json.dumps({"argv": sys.argv[1:], "task": os.environ.get("HERMES_KANBAN_TASK")}, ensure_ascii=False) + "\n")
        verb = next((a for a in sys.argv[1:] if a in ("comment", "heartbeat", "block", "show")), "none")
        def read(name):
            p = os.path.join(d, verb + name)
            return open(p, encoding="utf-8").read() if os.path.exists(p) else ""
        if os.path.exists(os.path.join(d, verb + ".hang")):
            time.sleep(120)
        sys.stdout.write(read(".out"))
        sys.stderr.write(read(".err"))
        code = read(".code").strip()
        sys.exit(int(code) if code else 0)
        """;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fake-hermes-" + Guid.NewGuid().ToString("N"));

    public HermesCliKanbanGatewayTests()
    {
        Directory.CreateDirectory(_dir);
        var script = Path.Combine(_dir, "hermes");
        File.WriteAllText(script, FakeHermes.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task CommentAsync_Ok_PassesAuthorTaskAndBodyAfterDoubleDash()
    {
        Can("comment", stdout: $"Comment added to {TaskId}\n");

        var result = await Create().CommentAsync("-x drift: ünïcode \"q\"");

        result.Should().Be(KanbanResult.Success);
        var call = Calls().Should().ContainSingle().Subject;
        call.Argv.Should().Equal("kanban", "comment", "--author=coder", TaskId, "--", "-x drift: ünïcode \"q\"");
        call.Task.Should().Be(TaskId, "the child sees the injected Hermes environment");
    }

    [Fact]
    public async Task CommentAsync_WithBoard_PassesBoardBeforeVerb()
    {
        await Create(board: "proj").CommentAsync("hi");

        Calls().Single().Argv.Should().Equal("kanban", "--board", "proj", "comment", "--author=coder", TaskId, "--", "hi");
    }

    [Fact]
    public async Task HeartbeatAsync_Note_PassesNoteAsOneOption()
    {
        Can("heartbeat", stdout: $"Heartbeat recorded for {TaskId}\n");

        (await Create().HeartbeatAsync("-alive, 2 drifts")).Should().Be(KanbanResult.Success);
        (await Create().HeartbeatAsync(null)).Should().Be(KanbanResult.Success);

        Calls().Select(c => c.Argv).Should().BeEquivalentTo(
            new[] { new[] { "kanban", "heartbeat", "--note=-alive, 2 drifts", TaskId }, ["kanban", "heartbeat", TaskId] },
            o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task BlockAsync_Kind_PassesKindTaskAndReason()
    {
        Can("block", stdout: $"Blocked {TaskId}: stop-requested by user\n");

        (await Create().BlockAsync("stop-requested by user", KanbanBlockKind.NeedsInput)).Should().Be(KanbanResult.Success);

        Calls().Single().Argv.Should().Equal("kanban", "block", "--kind=needs_input", TaskId, "--", "stop-requested by user");
    }

    [Fact]
    public async Task BlockAsync_NotRunning_Rejected()
    {
        Can("block", stderr: $"cannot block {TaskId}\n", code: 1);

        var result = await Create().BlockAsync("stop", KanbanBlockKind.NeedsInput);

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Be($"cannot block {TaskId}");
    }

    [Fact]
    public async Task BlockAsync_GoalModeCapability_RejectedWithoutRunningHermes()
    {
        var result = await Create(goalMode: true).BlockAsync("no gpu", KanbanBlockKind.Capability);

        result.Outcome.Should().Be(KanbanOutcome.Rejected);
        result.Reason.Should().Contain("goal_mode");
        Calls().Should().BeEmpty();
    }

    [Theory]
    [InlineData(1, "kanban: unknown task t_0a1b2c3d\n", KanbanOutcome.Rejected)]
    [InlineData(1, "cannot heartbeat t_0a1b2c3d (not running?)\n", KanbanOutcome.Rejected)]
    [InlineData(1, "kanban: board 'proj' does not exist. Create it with `hermes kanban boards create proj`.\n", KanbanOutcome.Rejected)]
    [InlineData(1, "sqlite3.OperationalError: database is locked\n", KanbanOutcome.Failed)]
    [InlineData(1, "kanban: could not initialize database: disk I/O error\n", KanbanOutcome.Failed)]
    [InlineData(2, "usage: hermes kanban heartbeat [-h] [--note NOTE] task_id\n", KanbanOutcome.Rejected)]
    [InlineData(137, "", KanbanOutcome.Failed)]
    public async Task HeartbeatAsync_NonZeroExit_MapsToOutcome(int code, string stderr, KanbanOutcome expected)
    {
        Can("heartbeat", stderr: stderr, code: code);

        var result = await Create().HeartbeatAsync("alive");

        result.Outcome.Should().Be(expected);
        result.Reason.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task HeartbeatAsync_HermesHangs_KilledAndFailed()
    {
        File.WriteAllText(Path.Combine(_dir, "heartbeat.hang"), string.Empty);

        var result = await Create(timeout: TimeSpan.FromMilliseconds(500)).HeartbeatAsync("alive");

        result.Outcome.Should().Be(KanbanOutcome.Failed);
        result.Reason.Should().Contain("timeout");
    }

    [Fact]
    public async Task CommentAsync_HermesMissing_Failed()
    {
        var gateway = HermesKanban.CreateCliGateway(new HermesKanbanOptions { Environment = Env(), HermesExecutable = Path.Combine(_dir, "no-such-hermes") });

        var result = await gateway.CommentAsync("hi");

        result.Outcome.Should().Be(KanbanOutcome.Failed);
        result.Reason.Should().Contain("no-such-hermes").And.Contain("was not found");
    }

    [Fact]
    public async Task ReadCommentsAsync_ShowJson_ParsesCommentsAndAdvancesCursorWithinASecond()
    {
        ShowComments(("alice", "please check", 100), ("coder", "drift found", 105), ("alice", "ok", 105));
        var gateway = Create();

        var first = await gateway.ReadCommentsAsync(null);

        Calls().Single().Argv.Should().Equal("kanban", "show", "--json", TaskId);
        first.Result.Should().Be(KanbanResult.Success);
        first.Comments.Should().Equal(
            new KanbanComment("alice", "please check", DateTimeOffset.FromUnixTimeSeconds(100), false),
            new KanbanComment("coder", "drift found", DateTimeOffset.FromUnixTimeSeconds(105), true),
            new KanbanComment("alice", "ok", DateTimeOffset.FromUnixTimeSeconds(105), false));
        first.Cursor.Should().Be(new KanbanCursor("v1:105:2"));

        // A third comment lands in the same second, then one later.
        ShowComments(("alice", "please check", 100), ("coder", "drift found", 105), ("alice", "ok", 105), ("alice", "stop", 105), ("bob", "stop monitoring", 107));
        var second = await gateway.ReadCommentsAsync(first.Cursor);

        second.Comments.Select(c => c.Body).Should().Equal("stop", "stop monitoring");
        second.Cursor.Should().Be(new KanbanCursor("v1:107:1"));
        var third = await gateway.ReadCommentsAsync(second.Cursor);
        third.Comments.Should().BeEmpty();
        third.Cursor.Should().Be(second.Cursor);
    }

    [Fact]
    public async Task ReadCommentsAsync_UnknownTask_RejectedAndCursorKept()
    {
        Can("show", stderr: $"no such task: {TaskId}\n", code: 1);
        var cursor = new KanbanCursor("v1:5:1");

        var page = await Create().ReadCommentsAsync(cursor);

        page.Result.Outcome.Should().Be(KanbanOutcome.Rejected);
        page.Cursor.Should().Be(cursor);
    }

    [Fact]
    public async Task ReadCommentsAsync_GarbageOutput_Failed()
    {
        Can("show", stdout: "Task t_0a1b2c3d: Monitor\n");

        (await Create().ReadCommentsAsync(null)).Result.Outcome.Should().Be(KanbanOutcome.Failed);
    }

    private void ShowComments(params (string Author, string Body, long CreatedAt)[] comments)
    {
        var payload = new Dictionary<string, object?>
        {
            ["task"] = new Dictionary<string, object?> { ["id"] = TaskId, ["status"] = "running" },
            ["latest_summary"] = null,
            ["comments"] = comments.Select(c => new Dictionary<string, object?> { ["author"] = c.Author, ["body"] = c.Body, ["created_at"] = c.CreatedAt }).ToList(),
            ["events"] = Array.Empty<object>(),
            ["runs"] = Array.Empty<object>(),
        };
        Can("show", stdout: JsonSerializer.Serialize(payload, Indented));
    }

    private void Can(string verb, string stdout = "", string stderr = "", int code = 0)
    {
        File.WriteAllText(Path.Combine(_dir, verb + ".out"), stdout);
        File.WriteAllText(Path.Combine(_dir, verb + ".err"), stderr);
        File.WriteAllText(Path.Combine(_dir, verb + ".code"), code.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private List<(string[] Argv, string? Task)> Calls()
    {
        var path = Path.Combine(_dir, "calls.jsonl");
        if (!File.Exists(path))
        {
            return [];
        }

        return File.ReadAllLines(path)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => (e.GetProperty("argv").EnumerateArray().Select(a => a.GetString()!).ToArray(), e.GetProperty("task").GetString()))
            .ToList();
    }

    private Dictionary<string, string?> Env(bool goalMode = false) => new()
    {
        ["PATH"] = _dir + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
        ["FAKE_HERMES_DIR"] = _dir,
        ["HERMES_KANBAN_TASK"] = TaskId,
        ["HERMES_KANBAN_RUN_ID"] = "7",
        ["HERMES_PROFILE"] = "coder",
        ["HERMES_KANBAN_GOAL_MODE"] = goalMode ? "1" : null,
    };

    private IKanbanGateway Create(string? board = null, bool goalMode = false, TimeSpan? timeout = null) =>
        HermesKanban.CreateCliGateway(new HermesKanbanOptions
        {
            Environment = Env(goalMode),
            Board = board,
            CommandTimeout = timeout ?? TimeSpan.FromSeconds(30),
        });
}
