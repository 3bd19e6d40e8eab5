namespace AgentSessions.Reconcile.Mqtt;

/// <summary>How one <see cref="MqttPushMonitor.RunAsync"/> run ends and what it tells its host.</summary>
public sealed class MqttMonitorRun
{
    /// <summary>Gets or sets the wall-clock limit; <see cref="TimeSpan.Zero"/> for none.</summary>
    /// <value>The default is none.</value>
    public TimeSpan Timeout { get; set; }

    /// <summary>Gets or sets how long without a message (while connected) ends the run; <see cref="TimeSpan.Zero"/> for never.</summary>
    /// <value>The default is 600 seconds.</value>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>Gets or sets a value indicating whether passes verify and report only, writing nothing.</summary>
    public bool DryRun { get; set; }

    /// <summary>Gets or sets what to do with each pass's report.</summary>
    public Func<DriftReport, CancellationToken, Task>? OnReport { get; set; }

    /// <summary>Gets or sets where to say, once each, that the broker cannot be used (and why) and that it is back.</summary>
    public Action<string>? OnBrokerStatus { get; set; }

    /// <summary>
    /// Gets or sets what to do when a pass throws, once per reason (the run goes on after a backoff; the events
    /// recorded meanwhile are reported by the next good pass).
    /// </summary>
    public Action<Exception>? OnPassFailed { get; set; }
}

/// <summary>Why <see cref="MqttPushMonitor.RunAsync"/> ended.</summary>
public enum MqttMonitorExit
{
    /// <summary>The wall-clock limit (<see cref="MqttMonitorRun.Timeout"/>) was reached.</summary>
    TimedOut,

    /// <summary>No message arrived for <see cref="MqttMonitorRun.IdleTimeout"/>.</summary>
    Idle,
}
