using AgentSessions.Reconcile.Cli.Parsing;

namespace AgentSessions.Reconcile.Cli.Tests.Parsing;

public sealed class FleetOptionsTests
{
    [Fact]
    public void Parse_PublishStatusWithItsOptionsAndABroker_AllSetWithoutSubscribe()
    {
        var c = (ReconcileCommand)CommandLineParser.Parse([
            "reconcile", "--publish-status", "--host-id", "build-01.lab", "--fleet-prefix", "org/fleet", "--fleet-key-file", "k",
            "--fleet-keep-alive", "5", "--broker", "mqtts://b:8883", "--broker-ca", "ca.crt", "--broker-password-file", "pw"]);

        c.Subscribe.Should().BeNull();
        c.Publish.Should().Be(new PublishSettings { HostId = "build-01.lab", Prefix = "org/fleet", KeyFile = "k", KeepAlive = TimeSpan.FromSeconds(5) });
        c.Broker.Should().Be(new BrokerSettings("mqtts://b:8883", "ca.crt", "pw"));
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("host/evil")]
    [InlineData("h+")]
    public void Parse_HostIdOutsideTheGrammar_UsageError(string hostId)
    {
        var act = () => CommandLineParser.Parse(["reconcile", "--publish-status", "--host-id", hostId]);

        act.Should().Throw<UsageException>().WithMessage($"'--host-id' must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-', not '{hostId}'.");
    }

    [Theory]
    [InlineData("--host-id", "h", "'--host-id' needs '--publish-status'.")]
    [InlineData("--fleet-key-file", "k", "'--fleet-key-file' needs '--publish-status'.")]
    [InlineData("--broker", "mqtt://h:1", "'--broker' needs '--subscribe'.")]
    public void Parse_FleetOptionWithoutItsFlag_UsageError(string option, string value, string message)
    {
        var act = () => CommandLineParser.Parse(["reconcile", option, value]);

        act.Should().Throw<UsageException>().WithMessage(message);
    }

    [Fact]
    public void Parse_PublishStatusWithOnce_UsageError()
    {
        var act = () => CommandLineParser.Parse(["reconcile", "--once", "--publish-status"]);

        act.Should().Throw<UsageException>().WithMessage("'--publish-status' publishes while the monitor runs; it cannot be used with '--once'.");
    }

    [Fact]
    public void Parse_TheKeyIsNeverAFlagValue()
    {
        var act = () => CommandLineParser.Parse(["reconcile", "--publish-status", "--fleet-key", "secret"]);

        act.Should().Throw<UsageException>().WithMessage("unknown option '--fleet-key'*");
    }

    [Fact]
    public void Parse_StatusFleetJsonWatch_AllSet()
    {
        var c = (StatusCommand)CommandLineParser.Parse(["status", "--fleet", "--json", "--watch", "--broker", "mqtt://b:1", "--fleet-prefix", "p", "--fleet-key-file", "k"]);

        c.Json.Should().BeTrue();
        c.Watch.Should().BeTrue();
        c.Fleet.Should().Be(new FleetSettings { Broker = new BrokerSettings("mqtt://b:1", null, null), Prefix = "p", KeyFile = "k" });
    }

    [Fact]
    public void Parse_StatusBrokerWithoutFleet_UsageError()
    {
        var act = () => CommandLineParser.Parse(["status", "--broker", "mqtt://b:1"]);

        act.Should().Throw<UsageException>().WithMessage("'--broker' needs '--fleet'.");
    }

    [Fact]
    public void Parse_StatusFleetWithAWorkspace_UsageError()
    {
        var act = () => CommandLineParser.Parse(["status", "--fleet", "--workspace", "."]);

        act.Should().Throw<UsageException>().WithMessage("'--fleet' shows the hosts' published statuses*");
    }
}
