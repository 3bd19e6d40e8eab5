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
            Broker = subscribe.Broker ?? MqttTriggerOptions.DefaultBroker,
            CaFile = subscribe.CaFile,
            PasswordFile = subscribe.PasswordFile,
            TopicPrefix = subscribe.TopicPrefix,
            KillOnTerminal = subscribe.KillOnTerminal,
            TmuxSocketName = settings.TmuxSocketName,
            TmuxSocketPath = settings.TmuxSocketPath,
            PollInterval = command.Interval,
            FallbackPollInterval = environmentInterval ?? FallbackInterval,
        };
        if (subscribe.Broker is null)
        {
            options.ApplyEnvironment(env.GetVariable);
        }
        else
        {
            // An explicit --broker wins over $AGENT_SESSIONS_BROKER; the rest still comes from the environment.
            options.ApplyEnvironment(name => name == MqttTriggerOptions.BrokerEnvironmentVariable ? null : env.GetVariable(name));
        }

        CheckFile(options.CaFile, subscribe.CaFile is null ? MqttTriggerOptions.CaFileEnvironmentVariable : "--broker-ca");
        CheckFile(options.PasswordFile, "--broker-password-file");
        if (options.Validate() is { Count: > 0 } problems)
        {
            throw new UsageException(string.Join(" ", problems), "reconcile");
        }

        // The monitor's warnings (each drop reason once per job) go to stderr; the reports carry the drop counts.
        using var log = new StderrLogger(env.Error);
        using var monitor = new MqttPushMonitor(services.Reconciler, services.Store, options, env.Time, log);
        var run = new MqttMonitorRun
        {
            Timeout = subscribe.Timeout,
            IdleTimeout = subscribe.IdleTimeout,
            DryRun = command.DryRun,
            OnReport = (report, _) =>
            {
                Emit(report, command, context with { Dropped = monitor.DroppedEvents }, once: false);
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

    private void CheckFile(string? path, string what)
    {
        if (path is not null && !env.FileExists(Path.GetFullPath(path, env.CurrentDirectory)))
        {
            throw new UsageException($"'{what}' file '{path}' does not exist.", "reconcile");
        }
    }
}
