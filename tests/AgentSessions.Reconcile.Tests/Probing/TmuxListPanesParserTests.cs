using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile.Tests.Probing;

public sealed class TmuxListPanesParserTests
{
    private const string S = "ASR1abc";

    private static string Record(string name, string path, string window = "0", string pane = "0", string active = "11", string dead = "0") =>
        $"{S}\t{name}\t1700000000\t{window}\t{pane}\t{active}\t{dead}\t4242\t1700000100\t%7\tclaude\t{path}\n";

    [Fact]
    public void Parse_NewlineAndTabsInPath_JoinsThemIntoThePath()
    {
        var output = Record("a", "/x/new\nline\tand tab") + Record("b", "/y\n\nz\n");

        var sessions = TmuxListPanesParser.Parse(output, S, out var error);

        error.Should().BeNull();
        sessions!.Select(s => s.PrimaryPane!.CurrentPath).Should().Equal("/x/new\nline\tand tab", "/y\n\nz\n");
    }

    [Fact]
    public void Parse_FieldsOfOnePane_AreAllRead()
    {
        var sessions = TmuxListPanesParser.Parse(Record("a", "/p", window: "2", pane: "1", active: "10", dead: "1"), S, out _);

        var session = sessions!.Single();
        session.Created.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        session.Panes.Single().Should().BeEquivalentTo(new TmuxPane(2, 1, 4242, "claude", "/p", DateTimeOffset.FromUnixTimeSeconds(1700000100), isActive: false, isDead: true) { Id = "%7" });
    }

    [Fact]
    public void Parse_PanesOfOneSession_GroupedInTmuxOrder()
    {
        var output = Record("a", "/1") + Record("b", "/2") + Record("a", "/3", window: "1");

        var sessions = TmuxListPanesParser.Parse(output, S, out _)!;

        sessions.Select(s => s.Name).Should().Equal("a", "b");
        sessions[0].Panes.Select(p => p.CurrentPath).Should().Equal("/1", "/3");
    }

    [Fact]
    public void Parse_Empty_NoSessions()
    {
        TmuxListPanesParser.Parse(string.Empty, S, out var error).Should().BeEmpty();
        error.Should().BeNull();
    }

    [Theory]
    [InlineData("garbage before any record\n")]
    [InlineData(S + "\ta\t1\t0\n")]
    [InlineData(S + "\ta\t1\tX\t0\t11\t0\t1\t1\t%1\tsh\t/p\n")]
    [InlineData(S + "\t\t1\t0\t0\t11\t0\t1\t1\t%1\tsh\t/p\n")]
    public void Parse_MalformedLine_NullWithReason(string output)
    {
        TmuxListPanesParser.Parse(output, S, out var error).Should().BeNull();
        error.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Parse_OtherSentinelAfterNewline_IsPartOfThePath()
    {
        var output = Record("a", "/x\nASR1zzz\tb\t1\t0\t0\t11\t0\t1\t1\t%1\tsh\t/y");

        var sessions = TmuxListPanesParser.Parse(output, S, out _)!;

        sessions.Should().ContainSingle().Which.PrimaryPane!.CurrentPath.Should().StartWith("/x\nASR1zzz");
    }

    [Fact]
    public void NewSentinel_EachPass_Differs()
    {
        TmuxListPanesParser.NewSentinel().Should().NotBe(TmuxListPanesParser.NewSentinel());
    }

    [Theory]
    [InlineData(1, "no server running on /tmp/tmux-0/x\n", true)]
    [InlineData(1, "error connecting to /tmp/tmux-0/x (No such file or directory)\n", true)]
    [InlineData(1, "error connecting to /tmp/x (Connection refused)\n", true)]
    [InlineData(1, "error connecting to /tmp/x (Permission denied)\n", false)]
    [InlineData(1, "protocol version mismatch (client 8, server 7)\n", false)]
    [InlineData(1, "server exited unexpectedly\n", false)]
    [InlineData(1, "", false)]
    [InlineData(139, "", false)]
    [InlineData(1, "can't find session: x\n", false)]
    public void Classify_ExitCodeAndStderr_NoServerIsZeroSessionsElseUnknown(int exitCode, string stderr, bool knownEmpty)
    {
        var state = TmuxSessionProbe.Classify(new ProcessResult(ProcessOutcome.Exited, exitCode, string.Empty, stderr, null));

        state.Should().NotBeNull();
        state!.IsKnown.Should().Be(knownEmpty);
        state.Sessions.Should().BeEmpty();
        if (!knownEmpty)
        {
            state.UnknownReason.Should().NotBeNullOrWhiteSpace();
        }
    }

    [Fact]
    public void Classify_ExitZero_NullSoTheOutputIsParsed()
    {
        TmuxSessionProbe.Classify(new ProcessResult(ProcessOutcome.Exited, 0, "x", "warning", null)).Should().BeNull();
    }

    [Theory]
    [InlineData((int)ProcessOutcome.NotFound)]
    [InlineData((int)ProcessOutcome.TimedOut)]
    [InlineData((int)ProcessOutcome.StartFailed)]
    public void Classify_ProcessDidNotRun_Unknown(int outcome)
    {
        var state = TmuxSessionProbe.Classify(new ProcessResult((ProcessOutcome)outcome, null, string.Empty, string.Empty, "why"));

        state!.IsKnown.Should().BeFalse();
    }
}
