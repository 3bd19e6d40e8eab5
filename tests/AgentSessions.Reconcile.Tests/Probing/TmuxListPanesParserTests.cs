using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile.Tests.Probing;

public sealed class TmuxListPanesParserTests : IDisposable
{
    private const string S = "ASR1abc";
    private readonly TempFolder proc = new();

    public void Dispose() => proc.Dispose();

    private static string Record(string name, string command = "", string window = "0", string pane = "0", string active = "11", string dead = "0", string pid = "4242") =>
        $"{S}\t{name}\t1700000000\t{window}\t{pane}\t{active}\t{dead}\t{pid}\t1700000100\t%7\t{command}\n";

    private IReadOnlyList<TmuxSession> Parse(string output) => TmuxListPanesParser.Parse(output, S, proc.Path, out _)!;

    // A fake /proc: pane process 4242 (session leader, in /session) whose terminal's foreground group is led by 4300.
    private void Process(long pid, string stat, string? cmdline = null, string? cwd = null)
    {
        var dir = proc.CreateDirectory(pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(dir, "stat"), $"{pid} ({stat}");
        if (cmdline is not null)
        {
            File.WriteAllText(Path.Combine(dir, "cmdline"), cmdline);
        }

        if (cwd is not null)
        {
            File.CreateSymbolicLink(Path.Combine(dir, "cwd"), cwd);
        }
    }

    private void Pane(string foregroundCmdline = "claude\0--resume\0x\0", string? foregroundCwd = "/p")
    {
        Process(4242, "bash) S 1 4242 4242 34816 4300 4194560 0", "-bash\0", "/session");
        Process(4300, "claude) S 4242 4300 4242 34816 4300 4194560 0", foregroundCmdline, foregroundCwd);
    }

    [Fact]
    public void Parse_FieldsOfOnePane_AreAllRead()
    {
        Pane();

        var session = Parse(Record("a", window: "2", pane: "1", active: "10")).Single();

        session.Created.Should().Be(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        session.Panes.Single().Should().BeEquivalentTo(new TmuxPane(2, 1, 4242, "claude", "/p", DateTimeOffset.FromUnixTimeSeconds(1700000100), isActive: false, isDead: false) { Id = "%7" });
    }

    [Fact]
    public void Parse_LivePane_ReadsProcOnlyWhenAsked()
    {
        var pane = Parse(Record("a")).Single().Panes.Single();
        Pane();

        (pane.CurrentCommand, pane.CurrentPath).Should().Be(("claude", "/p"), "nothing was read before the first ask");
    }

    [Fact]
    public void Parse_DeadPane_TmuxCommandAndNoPathWithoutReadingProc()
    {
        Pane(); // a pid reused since: must not be read for a dead pane

        var pane = Parse(Record("a", command: "sleep", dead: "1")).Single().Panes.Single();

        (pane.CurrentCommand, pane.CurrentPath, pane.IsDead).Should().Be(("sleep", null, true));
    }

    [Fact]
    public void Parse_GroupLeaderGone_CommandUnknownPathOfTheSessionLeader()
    {
        Process(4242, "bash) S 1 4242 4242 34816 4300 4194560 0", "-bash\0", "/session");

        var pane = Parse(Record("a")).Single().Panes.Single();

        (pane.CurrentCommand, pane.CurrentPath, pane.IsDead).Should().Be((null, "/session", false));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bash) S 1 4242 4242 0 -1 4194560 0")]
    [InlineData("bash) S 1 4242")]
    public void Parse_PaneProcessUnreadableOrWithoutTerminal_UnknownNotDead(string? stat)
    {
        if (stat is not null)
        {
            Process(4242, stat, "-bash\0", "/session");
        }

        var pane = Parse(Record("a")).Single().Panes.Single();

        (pane.CurrentCommand, pane.CurrentPath, pane.IsDead).Should().Be((null, null, false));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("\0x\0", null)]
    [InlineData("/usr/bin/claude\0", "claude")]
    [InlineData("postgres: writer process   ", "postgres:")]
    public void Parse_ForegroundArgument_CutLikeTmux(string cmdline, string? command)
    {
        Pane(foregroundCmdline: cmdline);

        Parse(Record("a")).Single().Panes.Single().CurrentCommand.Should().Be(command);
    }

    [Theory]
    [InlineData("sleep", "sleep")]
    [InlineData("/bin/sh", "sh")]
    [InlineData("-bash", "bash")]
    [InlineData(" - -zsh x", "zsh")]
    [InlineData("exec vim x", "vim")]
    [InlineData("\"quoted\" rest", "quoted")]
    [InlineData("\"/opt/my dir/tool\"", "my")]
    [InlineData("/usr/bin/", "bin")]
    [InlineData("//", "/")]
    [InlineData("name\t\u00e9", "name")]
    [InlineData("\u00e9", "\ufffd")]
    [InlineData("   ", null)]
    public void WindowName_IsTmuxParseWindowName(string argument, string? name)
    {
        TmuxPaneForeground.WindowName(System.Text.Encoding.UTF8.GetBytes(argument)).Should().Be(name);
    }

    [Fact]
    public void Parse_NewlineAndTabsInDeadPaneCommand_JoinsThemIntoTheCommand()
    {
        var output = Record("a", command: "x\nnew\tline", dead: "1") + Record("b", command: "y\n\nz\n", dead: "1");

        var sessions = Parse(output);

        sessions.Select(s => s.PrimaryPane!.CurrentCommand).Should().Equal("x\nnew\tline", "y\n\nz\n");
    }

    [Fact]
    public void Parse_PanesOfOneSession_GroupedInTmuxOrder()
    {
        var output = Record("a", pid: "1") + Record("b", pid: "2") + Record("a", window: "1", pid: "3");

        var sessions = Parse(output);

        sessions.Select(s => s.Name).Should().Equal("a", "b");
        sessions[0].Panes.Select(p => p.Pid).Should().Equal(1, 3);
    }

    [Fact]
    public void Parse_Empty_NoSessions()
    {
        TmuxListPanesParser.Parse(string.Empty, S, proc.Path, out var error).Should().BeEmpty();
        error.Should().BeNull();
    }

    [Theory]
    [InlineData("garbage before any record\n")]
    [InlineData(S + "\ta\t1\t0\n")]
    [InlineData(S + "\ta\t1\tX\t0\t11\t0\t1\t1\t%1\t\n")]
    [InlineData(S + "\t\t1\t0\t0\t11\t0\t1\t1\t%1\t\n")]
    public void Parse_MalformedLine_NullWithReason(string output)
    {
        TmuxListPanesParser.Parse(output, S, proc.Path, out var error).Should().BeNull();
        error.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Parse_OtherSentinelAfterNewline_IsPartOfTheDeadPaneCommand()
    {
        var output = Record("a", command: "x\nASR1zzz\tb\t1\t0\t0\t11\t0\t1\t1\t%1\tsh", dead: "1");

        Parse(output).Should().ContainSingle().Which.PrimaryPane!.CurrentCommand.Should().StartWith("x\nASR1zzz");
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
