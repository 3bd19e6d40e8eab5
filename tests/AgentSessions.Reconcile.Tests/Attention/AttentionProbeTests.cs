using AgentSessions.Reconcile.Attention;
using AgentSessions.Reconcile.Probing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Attention;

/// <summary>The probe on real temp folders and a fake <c>/proc</c>: binding by process, caches, the pane's rate limit.</summary>
public sealed class AttentionProbeTests : IDisposable
{
    private readonly string top = Path.Combine(Path.GetTempPath(), "asr-attn-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly string root;
    private readonly string claude;
    private readonly string proc;

    public AttentionProbeTests()
    {
        root = Path.Combine(top, "ws");
        claude = Path.Combine(top, "claude");
        proc = Path.Combine(top, "proc");
        Directory.CreateDirectory(Path.Combine(root, "api"));
        Directory.CreateDirectory(Path.Combine(root, ".hermes"));
        File.WriteAllText(Path.Combine(root, ".hermes", "agent-sessions.yaml"), "version: 1\nsessions: []\n");

        // Two panes (shells 100 and 200), each with its own claude (101, 201) in the same folder.
        Proc(100, "bash", 1);
        Proc(101, "claude", 100);
        Proc(200, "bash", 1);
        Proc(201, "claude", 200);
    }

    public void Dispose() => Directory.Delete(top, recursive: true);

    [Fact]
    public async Task Two_agents_in_one_folder_are_each_bound_to_their_own_id_by_process_not_by_the_newest_transcript()
    {
        ProcessFile(101, "id-a");
        ProcessFile(201, "id-b");
        Transcript("id-a", "{\"type\":\"user\",\"timestamp\":\"2026-12-07T09:59:00Z\",\"message\":{\"content\":\"x\"}}");
        Transcript("id-b", "{\"type\":\"assistant\",\"timestamp\":\"2026-12-07T09:59:30Z\",\"message\":{\"stop_reason\":\"end_turn\",\"content\":[]}}");

        var result = await Observe(Probe());

        result["a"].SessionId.Should().Be("id-a");
        result["a"].SessionIdSource.Should().Be("process");
        result["a"].State.Should().Be("working");
        result["b"].SessionId.Should().Be("id-b");
        result["b"].State.Should().Be("idle");
    }

    [Fact]
    public async Task A_hook_record_of_the_agent_under_the_pane_wins_and_carries_the_clear_link()
    {
        ProcessFile(101, "id-a");
        Hook(new HookRecord { SessionId = "id-a2", Event = "SessionStart", State = "idle", At = time.GetUtcNow(), Since = time.GetUtcNow(), AgentPid = 101, PreviousSessionId = "id-a" });

        // A record of a process that is gone binds nothing.
        Hook(new HookRecord { SessionId = "id-dead", Event = "PreToolUse", State = "working", At = time.GetUtcNow(), Since = time.GetUtcNow(), AgentPid = 999 });

        var result = await Observe(Probe());

        result["a"].SessionId.Should().Be("id-a2");
        result["a"].SessionIdSource.Should().Be("hook");
        result["a"].ClearedFrom.Should().Be("id-a");
        result["a"].Source.Should().Be("hook");
        result["b"].SessionId.Should().BeNull();
        result["b"].State.Should().Be("unknown");
    }

    [Fact]
    public async Task The_pane_is_read_only_for_a_row_nothing_else_explains_and_at_most_once_a_minute()
    {
        ProcessFile(201, "id-b");
        Transcript("id-b", "{\"type\":\"user\",\"timestamp\":\"2026-12-07T09:59:00Z\",\"message\":{\"content\":\"x\"}}");
        var asked = new List<string>();
        var capture = PermissionPrompt(asked);

        var probe = Probe();
        var first = await Observe(probe, capture);
        time.Advance(TimeSpan.FromSeconds(30));
        var second = await Observe(probe, capture);
        time.Advance(TimeSpan.FromSeconds(31));
        await Observe(probe, capture);

        asked.Should().Equal("tmux-a", "tmux-a");
        first["a"].Should().Match<SessionAttention>(s => s.State == "waiting" && s.Source == "pane" && s.Since == new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
        second["a"].Since.Should().Be(first["a"].Since);
        first["b"].Source.Should().Be("transcript");
    }

    [Fact]
    public async Task The_once_a_minute_pane_limit_holds_across_runs_through_the_workspace_cache()
    {
        ProcessFile(201, "id-b");
        Transcript("id-b", "{\"type\":\"user\",\"timestamp\":\"2026-12-07T09:59:00Z\",\"message\":{\"content\":\"x\"}}");
        var asked = new List<string>();
        var capture = PermissionPrompt(asked);

        // Each run of the tool is a new probe: only the workspace's cache carries the last read.
        var first = await Observe(Probe(), capture);
        time.Advance(TimeSpan.FromSeconds(30));
        var second = await Observe(Probe(), capture);
        asked.Should().Equal(["tmux-a"], "a run 30 s after another reads no pane again");
        second["a"].Should().Match<SessionAttention>(s => s.State == "waiting" && s.Source == "pane" && s.Since == first["a"].Since);

        time.Advance(TimeSpan.FromSeconds(31));
        await Observe(Probe(), capture);
        asked.Should().Equal(["tmux-a", "tmux-a"], "a minute later the pane is read again");

        // The session was started again: another pane's read does not count.
        var restarted = await Probe().ObserveAsync([new("a", "tmux-a", 300, Path.Combine(root, "api"), null)], capture);
        asked.Should().HaveCount(3);
        restarted["a"].Source.Should().Be("pane");
    }

    [Fact]
    public async Task A_quiet_pass_walks_no_process_and_lists_no_folder_again()
    {
        ProcessFile(101, "id-a");
        Hook(new HookRecord { SessionId = "id-b", Event = "Stop", State = "idle", At = time.GetUtcNow(), Since = time.GetUtcNow(), AgentPid = 201 });
        var probe = Probe();
        (await Observe(probe))["b"].Source.Should().Be("hook");
        var reads = probe.ProcStatReads;

        // The stat files could vanish: a quiet pass does not read them again.
        File.Delete(Path.Combine(proc, "201", "stat"));
        File.Delete(Path.Combine(proc, "101", "stat"));
        var quiet = await Observe(probe);

        probe.ProcStatReads.Should().Be(reads);
        quiet["b"].Source.Should().Be("hook");
        quiet["a"].SessionId.Should().Be("id-a");

        // A new hook record (a rename into the folder) is seen at once.
        time.Advance(TimeSpan.FromSeconds(1));
        Hook(new HookRecord { SessionId = "id-b", Event = "UserPromptSubmit", State = "working", At = time.GetUtcNow(), Since = time.GetUtcNow(), AgentPid = 201 });
        (await Observe(probe))["b"].State.Should().Be("working");
    }

    [Fact]
    public async Task A_transcript_tail_is_read_again_only_when_the_file_changed()
    {
        ProcessFile(101, "id-a");
        var path = Transcript("id-a", "{\"type\":\"user\",\"timestamp\":\"2026-12-07T09:59:00Z\",\"message\":{\"content\":\"x\"}}");
        var probe = Probe();
        (await Observe(probe))["a"].State.Should().Be("working");

        // Same length and time: the cached tail stands (a rewrite in place is not growth).
        var stamp = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, "{\"type\":\"user\",\"timestamp\":\"2026-12-07T09:59:00Z\",\"message\":{\"content\":\"y\"}}\n");
        File.SetLastWriteTimeUtc(path, stamp);
        (await Observe(probe))["a"].Evidence.Should().Contain("last record user");

        File.AppendAllText(path, "{\"type\":\"assistant\",\"timestamp\":\"2026-12-07T09:59:50Z\",\"isApiErrorMessage\":true,\"apiErrorStatus\":429,\"error\":\"rate_limit\",\"message\":{\"content\":[]}}\n");
        (await Observe(probe))["a"].State.Should().Be("limited");
    }

    [Fact]
    public async Task A_cwd_outside_any_workspace_is_looked_up_again_after_a_minute_not_every_pass()
    {
        var elsewhere = Path.Combine(top, "elsewhere");
        var cwd = Directory.CreateDirectory(Path.Combine(elsewhere, "api")).FullName;
        List<AttentionRow> rows = [new("a", "tmux-a", 100, cwd, null)];
        var probe = Probe();
        (await probe.ObserveAsync(rows, null))["a"].State.Should().Be("unknown");

        // A workspace made above the cwd, and the hook records there (it finds the workspace as the probe does).
        Directory.CreateDirectory(Path.Combine(elsewhere, ".hermes"));
        File.WriteAllText(Path.Combine(elsewhere, ".hermes", "agent-sessions.yaml"), "version: 1\nsessions: []\n");
        new HookRecord { SessionId = "id-a", Event = "Stop", State = "idle", At = time.GetUtcNow(), Since = time.GetUtcNow(), AgentPid = 101 }
            .Write(HookRecord.DirectoryFor(elsewhere));
        time.Advance(TimeSpan.FromSeconds(59));
        (await probe.ObserveAsync(rows, null))["a"].State.Should().Be("unknown", "\"no workspace\" is kept for a minute: a quiet pass walks no folders");
        time.Advance(TimeSpan.FromSeconds(1));

        (await probe.ObserveAsync(rows, null))["a"].Source.Should().Be("hook");
    }

    private Task<IReadOnlyDictionary<string, SessionAttention>> Observe(AttentionProbe probe, CapturePanes? capture = null) =>
        probe.ObserveAsync(Rows(), capture);

    /// <summary>A pane that shows a permission prompt; each read is added to <paramref name="asked"/>.</summary>
    private static CapturePanes PermissionPrompt(List<string> asked) => (tmuxNames, _) =>
    {
        asked.AddRange(tmuxNames);
        return Task.FromResult<IReadOnlyDictionary<string, string?>>(tmuxNames.ToDictionary(n => n, string? (_) => "Do you want to proceed?\n❯ 1. Yes\n  2. No\n"));
    };

    private AttentionProbe Probe() => new(claude, time, TimeSpan.FromMinutes(15), proc);

    private List<AttentionRow> Rows() =>
    [
        new("a", "tmux-a", 100, Path.Combine(root, "api"), null),
        new("b", "tmux-b", 200, Path.Combine(root, "api"), null),
    ];

    private void Proc(long pid, string comm, long parent)
    {
        Directory.CreateDirectory(Path.Combine(proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.WriteAllText(Path.Combine(proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat"), $"{pid} ({comm}) S {parent} 1 1 0\n");
    }

    private void ProcessFile(long pid, string id)
    {
        Directory.CreateDirectory(Path.Combine(claude, "sessions"));
        File.WriteAllText(Path.Combine(claude, "sessions", $"{pid}.json"), $$"""{"sessionId":"{{id}}","updatedAt":1796637600000}""");
    }

    private string Transcript(string id, string line)
    {
        var dir = Path.Combine(claude, "projects", ClaudeProjectKey.Compute(Path.Combine(root, "api")));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, id + ".jsonl");
        File.WriteAllText(path, line + "\n");
        return path;
    }

    private void Hook(HookRecord record) => record.Write(HookRecord.DirectoryFor(root));
}
