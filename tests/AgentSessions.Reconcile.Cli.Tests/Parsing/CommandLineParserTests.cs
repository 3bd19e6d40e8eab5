using AgentSessions.Reconcile.Cli.Parsing;

namespace AgentSessions.Reconcile.Cli.Tests.Parsing;

public sealed class CommandLineParserTests
{
    private static CliCommand Parse(params string[] args) => CommandLineParser.Parse(args);

    private static UsageException Fails(params string[] args)
    {
        var act = () => CommandLineParser.Parse(args);
        return act.Should().Throw<UsageException>().Which;
    }

    [Fact]
    public void Parse_ReconcileWithoutFlags_LoopsWithDefaults()
    {
        var c = Parse("reconcile").Should().BeOfType<ReconcileCommand>().Which;

        c.Once.Should().BeFalse();
        c.EmitDiff.Should().BeFalse();
        c.DryRun.Should().BeFalse();
        c.Workspace.Should().BeNull();
        c.TmuxSocketName.Should().BeNull();
        c.TmuxSocketPath.Should().BeNull();
        c.Interval.Should().BeNull();
    }

    [Fact]
    public void Parse_SeedFlags_AllSet()
    {
        var c = Parse("reconcile", "--once", "--emit-diff", "--dry-run").Should().BeOfType<ReconcileCommand>().Which;

        c.Once.Should().BeTrue();
        c.EmitDiff.Should().BeTrue();
        c.DryRun.Should().BeTrue();
    }

    [Fact]
    public void Parse_FlagsInAnyOrder_SameResult()
    {
        var c = Parse("reconcile", "--dry-run", "--workspace", "/w", "--emit-diff", "--once").Should().BeOfType<ReconcileCommand>().Which;

        c.Once.Should().BeTrue();
        c.EmitDiff.Should().BeTrue();
        c.DryRun.Should().BeTrue();
        c.Workspace.Should().Be("/w");
    }

    [Theory]
    [InlineData("--workspace", "/tmp/ws")]
    [InlineData("--workspace=/tmp/ws", null)]
    public void Parse_Workspace_SeparateOrInlineValue(string flag, string? value)
    {
        string[] args = value is null ? ["reconcile", flag] : ["reconcile", flag, value];
        Parse(args).Should().BeOfType<ReconcileCommand>().Which.Workspace.Should().Be("/tmp/ws");
    }

    [Fact]
    public void Parse_TmuxSocket_SetsName()
    {
        var c = Parse("reconcile", "--tmux-socket", "asr-1").Should().BeOfType<ReconcileCommand>().Which;
        c.TmuxSocketName.Should().Be("asr-1");
        c.TmuxSocketPath.Should().BeNull();
    }

    [Fact]
    public void Parse_TmuxSocketPath_SetsPath()
    {
        var c = Parse("status", "--tmux-socket-path=/tmp/s/default").Should().BeOfType<StatusCommand>().Which;
        c.TmuxSocketPath.Should().Be("/tmp/s/default");
        c.TmuxSocketName.Should().BeNull();
    }

    [Fact]
    public void Parse_Interval_SetsSeconds()
    {
        Parse("reconcile", "--interval", "45").Should().BeOfType<ReconcileCommand>()
            .Which.Interval.Should().Be(TimeSpan.FromSeconds(45));
    }

    [Fact]
    public void Parse_StatusJson_SetsJson()
    {
        var c = Parse("status", "--json", "--workspace", "w").Should().BeOfType<StatusCommand>().Which;
        c.Json.Should().BeTrue();
        c.Workspace.Should().Be("w");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Parse_TopLevelHelp_Overview(string flag) =>
        Parse(flag).Should().BeOfType<HelpCommand>().Which.Topic.Should().BeNull();

    [Theory]
    [InlineData("reconcile")]
    [InlineData("status")]
    public void Parse_CommandHelp_TopicIsCommand(string command)
    {
        Parse(command, "--workspace", "w", "--help").Should().BeOfType<HelpCommand>().Which.Topic.Should().Be(command);
        Parse(command, "-h").Should().BeOfType<HelpCommand>().Which.Topic.Should().Be(command);
        Parse("help", command).Should().BeOfType<HelpCommand>().Which.Topic.Should().Be(command);
    }

    [Fact]
    public void Parse_Version_VersionCommand() => Parse("--version").Should().BeOfType<VersionCommand>();

    [Fact]
    public void Parse_Nothing_FailsNamingCommands() =>
        Fails().Message.Should().Contain("no command").And.Contain("reconcile");

    [Fact]
    public void Parse_UnknownCommand_FailsWithSuggestion() =>
        Fails("reconcil").Message.Should().Be("unknown command 'reconcil' (did you mean 'reconcile'?).");

    [Fact]
    public void Parse_UnknownFlag_NamesFlagCommandAndSuggestion()
    {
        var e = Fails("reconcile", "--emit-dif");
        e.Message.Should().Be("unknown option '--emit-dif' for 'reconcile' (did you mean '--emit-diff'?).");
        e.Command.Should().Be("reconcile");
    }

    [Fact]
    public void Parse_FlagOfOtherCommand_Fails() =>
        Fails("status", "--once").Message.Should().Contain("'--once'").And.Contain("'status'");

    [Fact]
    public void Parse_Positional_Fails() =>
        Fails("reconcile", "extra").Message.Should().Be("unexpected argument 'extra'; 'reconcile' takes only options.");

    [Theory]
    [InlineData("--workspace")]
    [InlineData("--tmux-socket")]
    [InlineData("--tmux-socket-path")]
    [InlineData("--interval")]
    public void Parse_ValueMissingAtEnd_NamesFlag(string flag) =>
        Fails("reconcile", flag).Message.Should().StartWith($"'{flag}' needs a value");

    [Fact]
    public void Parse_ValueMissingBeforeNextFlag_NamesFlag() =>
        Fails("reconcile", "--workspace", "--once").Message.Should().Be("'--workspace' needs a value (DIR).");

    [Fact]
    public void Parse_EmptyInlineValue_Fails() =>
        Fails("reconcile", "--workspace=").Message.Should().Contain("empty");

    [Fact]
    public void Parse_BooleanWithValue_Fails() =>
        Fails("reconcile", "--once=yes").Message.Should().Be("'--once' takes no value (got 'yes').");

    [Fact]
    public void Parse_RepeatedFlag_Fails() =>
        Fails("reconcile", "--once", "--once").Message.Should().Be("'--once' is given more than once.");

    [Fact]
    public void Parse_BothSockets_Fails() =>
        Fails("reconcile", "--tmux-socket", "a", "--tmux-socket-path", "/b").Message
            .Should().Contain("'--tmux-socket' and '--tmux-socket-path' cannot be used together");

    [Fact]
    public void Parse_SocketNameWithSlash_PointsToPathFlag() =>
        Fails("reconcile", "--tmux-socket", "/tmp/x").Message.Should().Contain("--tmux-socket-path");

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("86401")]
    [InlineData(" 5")]
    public void Parse_BadInterval_FailsQuotingValue(string value) =>
        Fails("reconcile", "--interval=" + value).Message
            .Should().Be($"'--interval' must be a whole number of seconds from 1 to 86400, not '{value}'.");

    [Fact]
    public void Parse_IntervalWithOnce_Fails() =>
        Fails("reconcile", "--once", "--interval", "5").Message.Should().Contain("'--interval' has no effect with '--once'");

    [Fact]
    public void Parse_HelpForUnknownCommand_Fails() =>
        Fails("help", "statu").Message.Should().Contain("did you mean 'status'");

    [Fact]
    public void Parse_OptionBeforeCommand_Fails() =>
        Fails("--once", "reconcile").Message.Should().Contain("before the command");

    [Fact]
    public void Parse_FlagFollowedByWord_WordIsNotAValue() =>
        Fails("reconcile", "--once", "true").Message.Should().Be("unexpected argument 'true'; 'reconcile' takes only options.");

    [Fact]
    public void Parse_EmptySeparateValue_Fails() =>
        Fails("status", "--workspace", "").Message.Should().Be("'--workspace' needs a value (DIR), got an empty one.");

    [Fact]
    public void Parse_ResponseFileSyntax_TakenLiterally() =>
        Parse("reconcile", "--workspace", "@dir").Should().BeOfType<ReconcileCommand>().Which.Workspace.Should().Be("@dir");

    [Fact]
    public void Parse_SuggestDirective_CompletesOptions()
    {
        var completion = Parse("[suggest:13]", "reconcile --e").Should().BeOfType<CompletionCommand>().Which;
        using var output = new StringWriter();

        CommandLineParser.Invoke(completion.Result, output);

        output.ToString().Should().Be("--emit-diff\n");
    }

    [Fact]
    public void WriteHelp_Overview_GeneratedCommandLinesAndExitCodes()
    {
        using var output = new StringWriter();

        CommandLineParser.WriteHelp(null, output);

        output.ToString().Should()
            .Contain("  agent-sessions reconcile [--once] [--emit-diff] [--dry-run] [--workspace DIR] [--tmux-socket NAME]\n")
            .And.Contain("  agent-sessions status [--json] [--workspace DIR] [--tmux-socket NAME] [--tmux-socket-path PATH]\n")
            .And.Contain("Exit codes: 0 ok");
    }

    [Theory]
    [InlineData("reconcile", "--interval <SECONDS>")]
    [InlineData("status", "--json")]
    public void WriteHelp_Command_ListsItsOptions(string command, string option)
    {
        using var output = new StringWriter();

        CommandLineParser.WriteHelp(command, output);

        output.ToString().Should().Contain(option).And.Contain("--tmux-socket-path <PATH>");
    }
}
