namespace AgentSessions.Reconcile.Mqtt;

/// <summary>Where and how <see cref="FleetReader"/> reads the fleet's retained statuses (docs/fleet.md).</summary>
public sealed class FleetReaderOptions
{
    /// <summary>Gets or sets the broker connection: URL, TLS, credentials, timeouts.</summary>
    public MqttTriggerOptions Connection { get; set; } = new();

    /// <summary>Gets or sets the topic prefix.</summary>
    /// <value>The default is <see cref="FleetPublisherOptions.DefaultPrefix"/>.</value>
    public string Prefix { get; set; } = FleetPublisherOptions.DefaultPrefix;

    /// <summary>Gets or sets the fleet key that every message must be signed with (a secret).</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets how long without a new retained message ends the gathering after subscribing.</summary>
    /// <value>The default is 200 milliseconds.</value>
    public TimeSpan Settle { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest the gathering may take after subscribing, however busy the broker.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan GatherTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
