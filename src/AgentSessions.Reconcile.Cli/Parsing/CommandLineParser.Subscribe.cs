using System.CommandLine;
using System.Globalization;

namespace AgentSessions.Reconcile.Cli.Parsing;

/// <summary>The <c>reconcile --subscribe</c> options (push monitoring over MQTT, docs/mqtt.md).</summary>
internal sealed partial class CommandLineParser
{
    /// <summary>The longest <c>--timeout</c> / <c>--idle-timeout</c> accepted: one year.</summary>
    internal const int MaxTimeoutSeconds = 31_536_000;

    private sealed class SubscribeOptions
    {
        private readonly Option<bool> subscribe = Flag("--subscribe", "push monitoring: subscribe to the jobs' signed MQTT events and reconcile at once (docs/mqtt.md)");
        private readonly Option<string> timeout = Value("--timeout", "SECONDS", "with --subscribe: end after this wall-clock time, exit 0 (default 0 = no limit)");
        private readonly Option<string> idleTimeout = Value("--idle-timeout", "SECONDS", "with --subscribe: end after this long without a message, exit 0 (default 600, 0 = never)");
        private readonly Option<string> broker = Value("--broker", "URL", "with --subscribe: mqtt://host:port or mqtts://host:port (default $AGENT_SESSIONS_BROKER or mqtt://127.0.0.1:1883)");
        private readonly Option<string> brokerCa = Value("--broker-ca", "FILE", "with --subscribe: PEM CA file to trust for mqtts:// (default $AGENT_SESSIONS_BROKER_CA)");
        private readonly Option<string> passwordFile = Value("--broker-password-file", "FILE", "with --subscribe: read the broker password from FILE (else $AGENT_SESSIONS_BROKER_PASSWORD)");
        private readonly Option<string> topicPrefix = Value("--topic-prefix", "PREFIX", "with --subscribe: topic prefix (default agent-sessions/<workspace>)");
        private readonly Option<bool> killOnTerminal = Flag("--kill-on-terminal", "with --subscribe: kill the tmux session a verified terminal event ended (off by default)");

        public void AddTo(Command command) => AddAll(command, subscribe, timeout, idleTimeout, broker, brokerCa, passwordFile, topicPrefix, killOnTerminal);

        public BrokerSettings ReadBroker(ParseResult result) => new(result.GetValue(broker), result.GetValue(brokerCa), result.GetValue(passwordFile));

        public SubscribeSettings? Read(ParseResult result, bool once, string name, bool publishing)
        {
            if (!result.GetValue(subscribe))
            {
                // --publish-status needs a broker too: the broker options are its as well.
                RefuseWithout(result, "--subscribe", name, publishing ? [timeout, idleTimeout, topicPrefix, killOnTerminal] : [timeout, idleTimeout, broker, brokerCa, passwordFile, topicPrefix, killOnTerminal]);

                return null;
            }

            if (once)
            {
                throw new UsageException("'--subscribe' runs until a timeout or a signal; it cannot be used with '--once'.", name);
            }

            var settings = new SubscribeSettings
            {
                Broker = result.GetValue(broker),
                CaFile = result.GetValue(brokerCa),
                PasswordFile = result.GetValue(passwordFile),
                TopicPrefix = result.GetValue(topicPrefix),
                KillOnTerminal = result.GetValue(killOnTerminal),
            };
            if (result.GetValue(timeout) is { } t)
            {
                settings = settings with { Timeout = Seconds(t, "'--timeout'", name) };
            }

            if (result.GetValue(idleTimeout) is { } idle)
            {
                settings = settings with { IdleTimeout = Seconds(idle, "'--idle-timeout'", name) };
            }

            return settings;
        }

        private static TimeSpan Seconds(string text, string what, string name)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > MaxTimeoutSeconds)
            {
                throw new UsageException(
                    $"{what} must be a whole number of seconds from 0 to {MaxTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}, not '{text}'.", name);
            }

            return TimeSpan.FromSeconds(seconds);
        }
    }
}
