using System.Text;
using AgentSessions.Reconcile.Attention;
using AgentSessions.Reconcile.Cli.Hooks;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Cli.Tests.Hooks;

/// <summary>
/// <c>agent-sessions hook</c>'s recorder on real temp folders. The event JSON follows Claude Code's
/// hooks reference (https://code.claude.com/docs/en/hooks, "Hook input": session_id,
/// transcript_path, cwd, permission_mode, hook_event_name; Notification's message and
/// notification_type; PreToolUse's tool_name and tool_input; SessionStart's source).
/// </summary>
public sealed class HookRecorderTests : IDisposable
{
    private readonly string top = Path.Combine(Path.GetTempPath(), "asr-hook-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 7, 10, 2, 11, TimeSpan.Zero));
    private readonly string root;
    private readonly string proc;

    public HookRecorderTests()
    {
        root = Path.Combine(top, "ws");
        Directory.CreateDirectory(Path.Combine(root, ".hermes"));
        File.WriteAllText(Path.Combine(root, ".hermes", "agent-sessions.yaml"), "version: 1\nsessions: []\n");
        Directory.CreateDirectory(Path.Combine(root, "api"));

        // A fake /proc: this hook's parent is a shell (sh, 300) whose parent is the agent (claude, 200).
        proc = Path.Combine(top, "proc");
        Stat("self", "agent-sessions", 300);
        Stat("300", "sh", 200);
        Stat("200", "claude", 100);
    }

    private string Hooks => HookRecord.DirectoryFor(root);

    public void Dispose() => Directory.Delete(top, recursive: true);

    [Theory]
    [InlineData("""{"hook_event_name":"Notification","message":"Claude needs your permission to use Bash","notification_type":"permission_prompt"}""", "waiting", "permission", "Bash")]
    [InlineData("""{"hook_event_name":"Notification","message":"Claude needs your permission to use Bash"}""", "waiting", "permission", "Bash")]
    [InlineData("""{"hook_event_name":"PermissionRequest","tool_name":"Write","tool_input":{"file_path":"/a"}}""", "waiting", "permission", "Write")]
    [InlineData("""{"hook_event_name":"Notification","message":"Claude Code needs your input","notification_type":"elicitation_dialog"}""", "waiting", "question", null)]
    [InlineData("""{"hook_event_name":"PreToolUse","tool_name":"AskUserQuestion","tool_input":{}}""", "waiting", "question", "AskUserQuestion")]
    [InlineData("""{"hook_event_name":"Notification","message":"Claude is waiting for your input","notification_type":"idle_prompt"}""", "idle", null, null)]
    [InlineData("""{"hook_event_name":"Stop","stop_hook_active":false}""", "idle", null, null)]
    [InlineData("""{"hook_event_name":"UserPromptSubmit","prompt":"go"}""", "working", null, null)]
    [InlineData("""{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}""", "working", null, "Bash")]
    [InlineData("""{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{},"tool_response":{}}""", "working", null, "Bash")]
    [InlineData("""{"hook_event_name":"StopFailure","error_type":"rate_limit","error":"429","error_message":"Rate limit"}""", "limited", "usage_limit", null)]
    [InlineData("""{"hook_event_name":"StopFailure","error_type":"server_error","error":"500"}""", "limited", "api_error", null)]
    [InlineData("""{"hook_event_name":"SessionEnd","reason":"exit"}""", "ended", null, null)]
    public void Each_event_records_its_state(string fields, string state, string? reason, string? tool)
    {
        var (record, error) = Run(Event("s-1", fields));

        error.Should().BeEmpty();
        record.Should().NotBeNull();
        var written = HookRecord.TryRead(Path.Combine(Hooks, "s-1.json"))!;
        written.Should().BeEquivalentTo(record);
        written.State.Should().Be(state);
        written.Reason.Should().Be(reason);
        written.Tool.Should().Be(tool);
        written.At.Should().Be(time.GetUtcNow());
        written.AgentPid.Should().Be(200, "the shell between the agent and the hook is skipped");
        written.Cwd.Should().Be(Path.Combine(root, "api"));
    }

    [Theory]
    [InlineData("""{"hook_event_name":"Notification","message":"Auth ok","notification_type":"auth_success"}""")]
    [InlineData("""{"hook_event_name":"SubagentStop"}""")]
    [InlineData("""{"hook_event_name":"SessionStart","source":"compact"}""")]
    public void An_event_that_changes_no_state_writes_nothing_and_says_nothing(string fields)
    {
        var (record, error) = Run(Event("s-1", fields));

        record.Should().BeNull();
        error.Should().BeEmpty();
        Directory.Exists(Hooks).Should().BeFalse();
    }

    [Fact]
    public void Since_stays_while_the_state_stays_and_moves_when_it_changes()
    {
        Run(Event("s-1", """{"hook_event_name":"UserPromptSubmit"}"""));
        var started = time.GetUtcNow();
        time.Advance(TimeSpan.FromSeconds(30));
        Run(Event("s-1", """{"hook_event_name":"PreToolUse","tool_name":"Bash"}"""));
        Read("s-1").Since.Should().Be(started);

        time.Advance(TimeSpan.FromSeconds(5));
        Run(Event("s-1", """{"hook_event_name":"Notification","message":"Claude needs your permission","notification_type":"permission_prompt"}"""));
        var waiting = Read("s-1");
        waiting.Since.Should().Be(time.GetUtcNow());
        waiting.Tool.Should().Be("Bash", "the message names no tool: the PreToolUse just before it did");
    }

    [Fact]
    public void Clear_links_the_new_id_to_the_old_one_of_the_same_agent_process()
    {
        Run(Event("old-id", """{"hook_event_name":"Stop"}"""));
        time.Advance(TimeSpan.FromSeconds(1));

        // Another agent (another pid) in the same folder is not this one's past.
        Stat("self", "agent-sessions", 301);
        Stat("301", "claude", 100);
        Run(Event("other-id", """{"hook_event_name":"Stop"}"""));
        Stat("self", "agent-sessions", 300);
        time.Advance(TimeSpan.FromSeconds(1));

        Run(Event("new-id", """{"hook_event_name":"SessionStart","source":"clear"}"""));

        var record = Read("new-id");
        record.State.Should().Be("idle");
        record.PreviousSessionId.Should().Be("old-id");
        Read("old-id").State.Should().Be("idle", "the old id's record stays");
    }

    [Fact]
    public void Malformed_json_writes_nothing_and_says_one_line()
    {
        var (record, error) = Run("{\"session_id\": \"s-1\", ");

        record.Should().BeNull();
        error.Should().StartWith("agent-sessions hook: the hook input is not JSON").And.EndWith("nothing recorded\n");
        error.Count(c => c == '\n').Should().Be(1);
        Directory.Exists(Hooks).Should().BeFalse();
    }

    [Theory]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"hook_event_name":"Stop","cwd":"/x"}""", "'session_id'")]
    [InlineData("""{"session_id":"../../etc/x","hook_event_name":"Stop","cwd":"/x"}""", "is not a session id")]
    public void Input_without_a_usable_session_writes_nothing(string json, string says)
    {
        var (record, error) = Run(json);

        record.Should().BeNull();
        error.Should().Contain(says);
        error.Count(c => c == '\n').Should().Be(1);
        Directory.Exists(Hooks).Should().BeFalse();
    }

    [Fact]
    public void A_huge_stdin_is_read_only_so_far_and_writes_nothing()
    {
        var big = Event("s-1", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Write\",\"tool_input\":{\"content\":\"" + new string('x', 3 * 1024 * 1024) + "\"}}");

        var (record, error) = Run(big);

        record.Should().BeNull();
        error.Should().Contain("larger than 1024 KiB");
        error.Count(c => c == '\n').Should().Be(1);
        Directory.Exists(Hooks).Should().BeFalse();
    }

    [Fact]
    public void An_event_outside_any_workspace_writes_nothing()
    {
        var elsewhere = Path.Combine(top, "elsewhere");
        Directory.CreateDirectory(elsewhere);

        var (record, error) = Run($$"""{"session_id":"s-1","cwd":"{{elsewhere}}","hook_event_name":"Stop"}""");

        record.Should().BeNull();
        error.Should().Contain("no workspace (.hermes/agent-sessions.yaml) at or above 'cwd'");
        Directory.EnumerateFileSystemEntries(top, "*.json", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public void A_failing_write_is_one_line_never_an_exception()
    {
        // The cache folder's place is taken by a file: the write fails.
        Directory.CreateDirectory(Path.Combine(root, ".cache", "tmux-agent-orchestrate-monitor"));
        File.WriteAllText(Hooks, "not a folder");

        var (record, error) = Run(Event("s-1", """{"hook_event_name":"Stop"}"""));

        record.Should().BeNull();
        error.Should().StartWith("agent-sessions hook: nothing recorded:");
    }

    private (HookRecord? Record, string Error) Run(string json)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(json));
        using var error = new StringWriter { NewLine = "\n" };
        var record = new HookRecorder(time, proc).Run(input, error);
        return (record, error.ToString());
    }

    private string Event(string sessionId, string fields)
    {
        var common = $$"""{"session_id":"{{sessionId}}","transcript_path":"/home/u/.claude/projects/x/{{sessionId}}.jsonl","cwd":"{{Path.Combine(root, "api")}}","permission_mode":"default",""";
        return common + fields[1..];
    }

    private HookRecord Read(string id) => HookRecord.TryRead(Path.Combine(Hooks, id + ".json")) ?? throw new InvalidOperationException("no record " + id);

    private void Stat(string pid, string comm, long parent)
    {
        Directory.CreateDirectory(Path.Combine(proc, pid));
        File.WriteAllText(Path.Combine(proc, pid, "stat"), $"{(pid == "self" ? "999" : pid)} ({comm}) S {parent} 1 1 0 -1 4194560 0 0 0 0\n");
    }
}
