using System.Text;
using AgentSessions.Reconcile.Attention;

namespace AgentSessions.Reconcile.Tests.Attention;

/// <summary>
/// The evidence readers on their own. Transcript lines follow the record shapes in public code:
/// agent-deck <c>internal/session/usagelimit.go</c> (the 429 record: type assistant,
/// isApiErrorMessage, apiErrorStatus, error "rate_limit", timestamp; isSidechain for subagents);
/// per-process files follow agent-deck <c>internal/session/claude_title_reconcile.go</c>
/// (sessionId, name, nameSource, updatedAt in unix ms).
/// </summary>
public sealed class EvidenceReaderTests
{
    private const string User = """{"type":"user","uuid":"u1","sessionId":"s","timestamp":"2026-12-07T10:00:00.000Z","message":{"role":"user","content":"go"}}""";
    private const string ToolUse = """{"type":"assistant","uuid":"a1","sessionId":"s","timestamp":"2026-12-07T10:00:05.000Z","message":{"role":"assistant","stop_reason":"tool_use","content":[{"type":"tool_use","name":"Bash"}]}}""";
    private const string EndTurn = """{"type":"assistant","uuid":"a2","sessionId":"s","timestamp":"2026-12-07T10:01:00.000Z","message":{"role":"assistant","stop_reason":"end_turn","content":[{"type":"text","text":"Done."}]}}""";
    private const string RateLimit = """{"type":"assistant","uuid":"a3","sessionId":"s","timestamp":"2026-12-07T10:02:00.000Z","isApiErrorMessage":true,"apiErrorStatus":429,"error":"rate_limit","message":{"role":"assistant","content":[{"type":"text","text":"You've hit your limit · resets 8:50pm (UTC)"}]}}""";
    private const string Overloaded = """{"type":"assistant","uuid":"a4","sessionId":"s","timestamp":"2026-12-07T10:03:00.000Z","isApiErrorMessage":true,"apiErrorStatus":529,"error":"overloaded","message":{"role":"assistant","content":[{"type":"text","text":"API Error: 529 Overloaded"}]}}""";
    private const string SidechainLimit = """{"type":"assistant","uuid":"a5","isSidechain":true,"sessionId":"s","timestamp":"2026-12-07T10:04:00.000Z","isApiErrorMessage":true,"apiErrorStatus":429,"error":"rate_limit","message":{"role":"assistant","content":"limit"}}""";
    private const string Summary = """{"type":"summary","summary":"x","leafUuid":"a2"}""";

    [Fact]
    public void Tail_of_a_turn_in_progress_is_working_evidence()
    {
        var tail = Parse(User, ToolUse);

        tail.LastType.Should().Be("assistant");
        tail.LastAt.Should().Be(DateTimeOffset.Parse("2026-12-07T10:00:05Z", System.Globalization.CultureInfo.InvariantCulture));
        tail.TurnEnded.Should().BeFalse();
        tail.Limit.Should().BeNull();
    }

    [Fact]
    public void Tail_ending_with_end_turn_has_ended_its_turn_and_later_non_conversation_records_do_not_change_that()
    {
        var tail = Parse(User, EndTurn, Summary);

        tail.TurnEnded.Should().BeTrue();
        tail.LastType.Should().Be("summary");
    }

    [Fact]
    public void A_429_rate_limit_record_is_a_usage_limit_with_its_text()
    {
        var tail = Parse(User, RateLimit);

        tail.Limit.Should().Be("usage_limit");
        tail.LimitText.Should().Contain("resets 8:50pm (UTC)");
        tail.TurnEnded.Should().BeFalse();
    }

    [Fact]
    public void Another_api_error_is_an_api_error()
    {
        Parse(User, Overloaded).Limit.Should().Be("api_error");
    }

    [Fact]
    public void A_subagents_limit_is_not_the_sessions_own_and_a_later_good_turn_clears_a_limit()
    {
        Parse(User, EndTurn, SidechainLimit).Limit.Should().BeNull();
        Parse(RateLimit, User, EndTurn).Limit.Should().BeNull();
    }

    [Fact]
    public void A_cut_first_line_and_a_half_written_last_line_are_skipped()
    {
        var text = Encoding.UTF8.GetBytes(ToolUse[20..] + "\n" + EndTurn + "\n" + RateLimit[..40]);

        var tail = TranscriptTail.Parse(text, startsMidLine: true);

        tail.TurnEnded.Should().BeTrue();
    }

    [Fact]
    public void Read_takes_only_the_last_bytes_of_a_large_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            var filler = string.Join('\n', Enumerable.Repeat(User, 2000));
            File.WriteAllText(path, filler + "\n" + RateLimit + "\n");
            new FileInfo(path).Length.Should().BeGreaterThan(TranscriptTail.TailBytes * 10);

            TranscriptTail.Read(path).Limit.Should().Be("usage_limit");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"sessionId":"abc","name":"x","nameSource":"derived","updatedAt":1796637731000}""", "abc", null)]
    [InlineData("""{"sessionId":"abc","updatedAt":1796637731000,"status":"busy"}""", "abc", "working")]
    [InlineData("""{"sessionId":"abc","updatedAt":1796637731000,"status":"idle"}""", "abc", "idle")]
    [InlineData("""{"sessionId":"abc","status":"something-new"}""", "abc", null)]
    public void Per_process_file(string json, string id, string? status)
    {
        var file = ClaudeProcessFile.Parse(42, Encoding.UTF8.GetBytes(json))!;

        file.SessionId.Should().Be(id);
        file.Status.Should().Be(status);
        file.Pid.Should().Be(42);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"sessionId\": 5}")]
    [InlineData("not json")]
    public void A_per_process_file_without_a_session_id_is_none(string json)
    {
        ClaudeProcessFile.Parse(1, Encoding.UTF8.GetBytes(json)).Should().BeNull();
    }

    [Fact]
    public void Pane_owners_on_the_real_proc_find_this_process_under_its_parent_and_ignore_the_dead()
    {
        var owners = new PaneOwners("/proc");
        var self = (long)Environment.ProcessId;
        var parent = ProcStat.Read("/proc", "self")!.Value.ParentPid;

        owners.Map([self, 999_999_999], new HashSet<long> { parent }).Should().Equal(new Dictionary<long, long> { [self] = parent });
        var reads = owners.StatReads;
        owners.Map([self], new HashSet<long> { parent }).Should().ContainKey(self);
        owners.StatReads.Should().Be(reads, "a process already placed is only checked to be alive");
        owners.Map([self], new HashSet<long> { -7 }).Should().BeEmpty("under no pane of this pass");
    }

    [Theory]
    [InlineData("1234 (claude) S 1200 1 1", "claude", 1200)]
    [InlineData("1234 (tmux: server) S 1 1 1", "tmux: server", 1)]
    [InlineData("1234 (a) b) R 7 1 1", "a) b", 7)]
    public void Stat_lines(string line, string comm, long parent)
    {
        ProcStat.Parse(line).Should().Be((comm, parent));
    }

    private static TranscriptTail Parse(params string[] lines) =>
        TranscriptTail.Parse(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), startsMidLine: false);
}
