using System.CommandLine;

namespace AgentSessions.Reconcile.Cli.Parsing;

/// <summary>The fleet options (docs/fleet.md): <c>reconcile --publish-status</c> and <c>status --fleet</c>.</summary>
internal sealed partial class CommandLineParser
{
    /// <summary><c>reconcile --publish-status</c> and its settings.</summary>
    private sealed class PublishOptions
    {
        private readonly Option<bool> publish = Flag("--publish-status", "publish this workspace's status to the fleet over MQTT (docs/fleet.md); needs a fleet key");
        private readonly Option<string> hostId = Value("--host-id", "HOST", "with --publish-status: this host's id in the fleet, [A-Za-z0-9._-] (default: the machine's name)");
        private readonly Option<string> prefix = Value("--fleet-prefix", "PREFIX", "with --publish-status: fleet topic prefix (default agent-sessions/fleet)");
        private readonly Option<string> keyFile = Value("--fleet-key-file", "FILE", "with --publish-status: read the fleet key from FILE (else $AGENT_SESSIONS_FLEET_KEY)");
        private readonly Option<string> keepAlive = Value("--fleet-keep-alive", "SECONDS", "with --publish-status: MQTT keep-alive; a dead host shows offline within 1.5x (default 30)");

        public void AddTo(Command command) => AddAll(command, publish, hostId, prefix, keyFile, keepAlive);

        public bool Given(ParseResult result) => result.GetValue(publish);

        public PublishSettings? Read(ParseResult result, bool once, string name)
        {
            if (!result.GetValue(publish))
            {
                RefuseWithout(result, "--publish-status", name, hostId, prefix, keyFile, keepAlive);

                return null;
            }

            if (once)
            {
                throw new UsageException("'--publish-status' publishes while the monitor runs; it cannot be used with '--once'.", name);
            }

            var id = result.GetValue(hostId);
            if (id is not null && !Mqtt.FleetPublisherOptions.IsValidHostId(id))
            {
                throw new UsageException($"'--host-id' must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-', not '{id}'.", name);
            }

            return new PublishSettings
            {
                HostId = id,
                Prefix = result.GetValue(prefix),
                KeyFile = result.GetValue(keyFile),
                KeepAlive = result.GetValue(keepAlive) is { } k ? ParseInterval(k, "'--fleet-keep-alive'", name) : null,
            };
        }
    }

    /// <summary><c>status --fleet</c> / <c>--watch</c> and their settings.</summary>
    private sealed class FleetViewOptions
    {
        private readonly Option<bool> fleet = Flag("--fleet", "show every host's sessions from the fleet's MQTT broker (docs/fleet.md)");
        private readonly Option<bool> watch = Flag("--watch", "keep showing, redrawn on each change (a pass, an event, a retained update); Ctrl-C ends");
        private readonly Option<string> broker = Value("--broker", "URL", "with --fleet: mqtt://host:port or mqtts://host:port (default $AGENT_SESSIONS_BROKER or mqtt://127.0.0.1:1883)");
        private readonly Option<string> brokerCa = Value("--broker-ca", "FILE", "with --fleet: PEM CA file to trust for mqtts:// (default $AGENT_SESSIONS_BROKER_CA)");
        private readonly Option<string> passwordFile = Value("--broker-password-file", "FILE", "with --fleet: read the broker password from FILE (else $AGENT_SESSIONS_BROKER_PASSWORD)");
        private readonly Option<string> prefix = Value("--fleet-prefix", "PREFIX", "with --fleet: fleet topic prefix (default agent-sessions/fleet)");
        private readonly Option<string> keyFile = Value("--fleet-key-file", "FILE", "with --fleet: read the fleet key from FILE (else $AGENT_SESSIONS_FLEET_KEY)");

        public void AddTo(Command command) => AddAll(command, fleet, watch, broker, brokerCa, passwordFile, prefix, keyFile);

        public void Fill(StatusCommand command, ParseResult result, string name)
        {
            command.Watch = result.GetValue(watch);
            if (!result.GetValue(fleet))
            {
                RefuseWithout(result, "--fleet", name, broker, brokerCa, passwordFile, prefix, keyFile);

                return;
            }

            command.Fleet = new FleetSettings
            {
                Broker = new BrokerSettings(result.GetValue(broker), result.GetValue(brokerCa), result.GetValue(passwordFile)),
                Prefix = result.GetValue(prefix),
                KeyFile = result.GetValue(keyFile),
            };
        }
    }
}
