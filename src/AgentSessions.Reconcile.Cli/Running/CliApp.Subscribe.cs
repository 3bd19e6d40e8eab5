using AgentSessions.Reconcile.Cli.Output;
using AgentSessions.Reconcile.Cli.Parsing;
using AgentSessions.Reconcile.Mqtt;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary><c>reconcile --subscribe</c>: push monitoring over MQTT with the polling fallback (docs/mqtt.md).</summary>
internal sealed partial class CliApp
{
    /// <summary>The polling interval while the broker is unreachable, unless <c>RECONCILE_POLL_INTERVAL</c> says otherwise (the seed's 15 s).</summary>
    internal static readonly TimeSpan FallbackInterval = TimeSpan.FromSeconds(15);

    private async Task<int> SubscribeAsync(
        ReconcileCommand command,
        SubscribeSettings subscribe,
        CliSettings settings,
        CliServices services,
        ReportContext context,
        TimeSpan? environmentInterval,
        CancellationToken cancellationToken)
    {
        var options = new MqttTriggerOptions
        {
            TopicPrefix = subscribe.TopicPrefix,
            KillOnTerminal = subscribe.KillOnTerminal,
            TmuxSocketName = settings.TmuxSocketName,
            TmuxSocketPath = settings.TmuxSocketPath,
            PollInterval = command.Interval,
            FallbackPollInterval = environmentInterval ?? FallbackInterval,
        };
        ApplyBroker(options, new BrokerSettings(subscribe.Broker, subscribe.CaFile, subscribe.PasswordFile), "reconcile");
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new UsageException(string.Join(" ", problems), "reconcile");
        }

        // The monitor's warnings (each drop reason once per job) go to stderr; the reports carry the drop counts.
        using var log = new StderrLogger(env.Error);
        using var monitor = new MqttPushMonitor(services.Reconciler, services.Store, options, env.Time, log);
        var publishing = await StartPublishingAsync(command, settings, services, cancellationToken).ConfigureAwait(false);
        await using var stopPublishing = publishing.ConfigureAwait(false);
        var run = new MqttMonitorRun
        {
            Timeout = subscribe.Timeout,
            IdleTimeout = subscribe.IdleTimeout,
            DryRun = command.DryRun,
            OnReport = (report, _) =>
            {
                Emit(report, command, context with { Dropped = monitor.DroppedEvents }, once: false);
                publishing.OnPassCompleted(report);
                return Task.CompletedTask;
            },
            OnBrokerStatus = line => env.Error.WriteLine("agent-sessions: " + line),
            OnPassFailed = SayPassFailed,
        };

        try
        {
            var exit = await monitor.RunAsync(run, cancellationToken).ConfigureAwait(false);
            env.Error.WriteLine(exit == MqttMonitorExit.Idle
                ? $"agent-sessions: no message for {subscribe.IdleTimeout.TotalSeconds:0} s (--idle-timeout); done."
                : $"agent-sessions: --timeout {subscribe.Timeout.TotalSeconds:0} s reached; done.");
            SayDropped(monitor);
            return ExitCodes.Ok;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var exitCode = Interrupted(loop: true);
            SayDropped(monitor);
            return exitCode;
        }
    }

    /// <summary>The run's last line: the events the verifier dropped, by reason; nothing when none was.</summary>
    private void SayDropped(MqttPushMonitor monitor)
    {
        if (monitor.DroppedEvents.Count > 0)
        {
            env.Error.WriteLine("agent-sessions: dropped job events: " + string.Join(", ", monitor.DroppedEvents.Select(d => $"{d.Key} {d.Value}")) + ".");
        }
    }

    /// <summary>Sets the broker, CA and password file: the flags, else the <c>AGENT_SESSIONS_BROKER*</c> variables (an explicit --broker wins over $AGENT_SESSIONS_BROKER).</summary>
    private void ApplyBroker(MqttTriggerOptions options, BrokerSettings broker, string commandName)
    {
        options.Broker = broker.Url ?? MqttTriggerOptions.DefaultBroker;
        options.CaFile = broker.CaFile;
        options.PasswordFile = broker.PasswordFile;
        options.ApplyEnvironment(name => broker.Url is not null && name == MqttTriggerOptions.BrokerEnvironmentVariable ? null : env.GetVariable(name));
        CheckFile(options.CaFile, broker.CaFile is null ? MqttTriggerOptions.CaFileEnvironmentVariable : "--broker-ca", commandName);
        CheckFile(options.PasswordFile, "--broker-password-file", commandName);
    }

    private void CheckFile(string? path, string what, string commandName)
    {
        if (path is not null && !env.FileExists(Path.GetFullPath(path, env.CurrentDirectory)))
        {
            throw new UsageException($"'{what}' file '{path}' does not exist.", commandName);
        }
    }
}
