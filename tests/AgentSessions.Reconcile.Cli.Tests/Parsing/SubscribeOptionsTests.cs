using AgentSessions.Reconcile.Cli.Parsing;

namespace AgentSessions.Reconcile.Cli.Tests.Parsing;

public sealed class SubscribeOptionsTests
{
    [Fact]
    public void Parse_SubscribeWithoutOptions_DefaultsNoTimeoutIdle600()
    {
        var c = (ReconcileCommand)CommandLineParser.Parse(["reconcile", "--subscribe"]);

        c.Subscribe.Should().Be(new SubscribeSettings());
        c.Subscribe!.Timeout.Should().Be(TimeSpan.Zero);
        c.Subscribe.IdleTimeout.Should().Be(TimeSpan.FromSeconds(600));
    }

    [Fact]
    public void Parse_EverySubscribeOption_AllSet()
    {
        var c = (ReconcileCommand)CommandLineParser.Parse([
            "reconcile", "--subscribe", "--timeout", "3600", "--idle-timeout", "0", "--broker", "mqtts://broker:8883", "--broker-ca", "ca.crt",
            "--broker-password-file", "pw", "--topic-prefix", "p/q", "--kill-on-terminal", "--emit-diff", "--dry-run"]);

        c.Subscribe.Should().Be(new SubscribeSettings
        {
            Timeout = TimeSpan.FromHours(1),
            IdleTimeout = TimeSpan.Zero,
            Broker = "mqtts://broker:8883",
            CaFile = "ca.crt",
            PasswordFile = "pw",
            TopicPrefix = "p/q",
            KillOnTerminal = true,
        });
        c.EmitDiff.Should().BeTrue();
        c.DryRun.Should().BeTrue();
    }

    [Theory]
    [InlineData("--timeout", "5")]
    [InlineData("--broker", "mqtt://h:1")]
    [InlineData("--kill-on-terminal", null)]
    public void Parse_SubscribeOptionWithoutSubscribe_NamesIt(string option, string? value)
    {
        string[] args = value is null ? ["reconcile", option] : ["reconcile", option, value];
        var act = () => CommandLineParser.Parse(args);

        act.Should().Throw<UsageException>().WithMessage($"'{option}' needs '--subscribe'.");
    }

    [Fact]
    public void Parse_SubscribeWithOnce_Refused()
    {
        var act = () => CommandLineParser.Parse(["reconcile", "--subscribe", "--once"]);

        act.Should().Throw<UsageException>().WithMessage("*cannot be used with '--once'*");
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void Parse_BadTimeout_SaysTheRange(string value)
    {
        var act = () => CommandLineParser.Parse(["reconcile", "--subscribe", "--timeout", value]);

        act.Should().Throw<UsageException>().WithMessage($"'--timeout' must be a whole number of seconds from 0 to 31536000, not '{value}'.");
    }

    [Fact]
    public void Parse_PasswordAsAFlag_IsUnknown()
    {
        var act = () => CommandLineParser.Parse(["reconcile", "--subscribe", "--broker-password", "secret"]);

        act.Should().Throw<UsageException>().WithMessage("unknown option '--broker-password'*");
    }
}
