namespace AgentSessions.Reconcile.Mqtt;

/// <summary>Where and how a monitor publishes its workspace's status to the fleet (docs/fleet.md).</summary>
public sealed class FleetPublisherOptions
{
    /// <summary>The environment variable with the fleet key (the HMAC key of every fleet message).</summary>
    public const string KeyEnvironmentVariable = "AGENT_SESSIONS_FLEET_KEY";

    /// <summary>The default topic prefix.</summary>
    public const string DefaultPrefix = FleetWire.DefaultPrefix;

    /// <summary>Gets or sets the broker connection: URL, TLS, credentials, timeouts (its trigger-only settings are not used).</summary>
    public MqttTriggerOptions Connection { get; set; } = new();

    /// <summary>Gets or sets this host's id in the topics, <c>[A-Za-z0-9._-]{1,128}</c>.</summary>
    /// <value>The default is <see langword="null"/>: the machine's name.</value>
    public string? HostId { get; set; }

    /// <summary>Gets or sets the topic prefix: <c>{prefix}/hosts/{host}/…</c>.</summary>
    /// <value>The default is <see cref="DefaultPrefix"/>.</value>
    public string Prefix { get; set; } = DefaultPrefix;

    /// <summary>Gets or sets the fleet key (a secret: never logged, never published). Without one nothing is published.</summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets the MQTT keep-alive: a host that dies is shown offline (its Last Will) within about 1.5 times this.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the longest time between two publishes of an unchanged status (the payload's <c>interval</c>).</summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long one status read or one publish may take before it is given up.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the host id used: <see cref="HostId"/>, or the machine's name.</summary>
    public string EffectiveHostId => HostId ?? Environment.MachineName;

    /// <summary>Fills <see cref="Key"/> from <c>AGENT_SESSIONS_FLEET_KEY</c> when not set, and the connection from the <c>AGENT_SESSIONS_BROKER*</c> variables.</summary>
    /// <param name="getVariable">Reads an environment variable.</param>
    public void ApplyEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        Key ??= MqttTriggerOptions.NonEmpty(getVariable(KeyEnvironmentVariable));
        Connection.ApplyEnvironment(getVariable);
    }

    /// <summary>Checks a host id against the job-id grammar, <c>[A-Za-z0-9._-]{1,128}</c> (one topic level, never a wildcard).</summary>
    /// <param name="hostId">The host id.</param>
    /// <returns>Whether it is valid.</returns>
    public static bool IsValidHostId(string? hostId) => FleetWire.IsValidName(hostId);

    /// <summary>Checks the options.</summary>
    /// <returns>One sentence per problem; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(Connection.Validate());
        if (!FleetWire.IsValidName(EffectiveHostId))
        {
            problems.Add($"The host id '{EffectiveHostId}' must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-' (set it with --host-id).");
        }

        problems.AddRange(KeyAndPrefixProblems(Key, Prefix));

        if (KeepAlive <= TimeSpan.Zero || Heartbeat < TimeSpan.FromSeconds(1) || PublishTimeout <= TimeSpan.Zero)
        {
            problems.Add("KeepAlive and PublishTimeout must be positive, and Heartbeat at least 1 second.");
        }

        return problems;
    }

    /// <summary>What the publisher and the reader both need: a key, and a prefix for topics.</summary>
    internal static IEnumerable<string> KeyAndPrefixProblems(string? key, string prefix)
    {
        if (MqttTriggerOptions.PrefixProblem(prefix, "fleet prefix") is { } problem)
        {
            yield return problem;
        }

        if (string.IsNullOrEmpty(key))
        {
            yield return $"No fleet key: set ${KeyEnvironmentVariable} or give a key file.";
        }
    }
}
