namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Where and how to subscribe to delegated jobs' events (<c>{prefix}/jobs/+/events</c>), and what a
/// verified event may do. See <c>docs/mqtt.md</c>.
/// </summary>
public sealed class MqttTriggerOptions
{
    /// <summary>The environment variable with the broker URL.</summary>
    public const string BrokerEnvironmentVariable = "AGENT_SESSIONS_BROKER";

    /// <summary>The environment variable with the CA file to trust.</summary>
    public const string CaFileEnvironmentVariable = "AGENT_SESSIONS_BROKER_CA";

    /// <summary>The environment variable with the broker user name.</summary>
    public const string UsernameEnvironmentVariable = "AGENT_SESSIONS_BROKER_USERNAME";

    /// <summary>The environment variable with the broker password.</summary>
    public const string PasswordEnvironmentVariable = "AGENT_SESSIONS_BROKER_PASSWORD";

    /// <summary>The default broker: a local one, never a public one.</summary>
    public const string DefaultBroker = "mqtt://127.0.0.1:1883";

    /// <summary>Gets or sets the broker: <c>mqtt://host:port</c> or <c>mqtts://host:port</c> (TLS).</summary>
    /// <value>The default is <see cref="DefaultBroker"/>.</value>
    public string Broker { get; set; } = DefaultBroker;

    /// <summary>Gets or sets a PEM file of the CA certificate(s) to trust for <c>mqtts://</c>; <see langword="null"/> for the system's.
    /// No certificate is ever accepted without a chain to a trusted CA and the broker's host name.</summary>
    public string? CaFile { get; set; }

    /// <summary>Gets or sets the user name, or <see langword="null"/> for none.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the password, or <see langword="null"/> (see also <see cref="PasswordFile"/>). A secret: never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets a file whose first line is the password; it wins over <see cref="Password"/>.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Gets or sets the MQTT client id: the broker keeps our session (and queued QoS 1 events) under it.</summary>
    /// <value>The default is <c>agent-sessions-{workspace}</c>.</value>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the topic prefix. The subscription is <c>{prefix}/jobs/+/events</c>, never <c>#</c>.</summary>
    /// <value>The default is <c>agent-sessions/{workspace}</c>.</value>
    public string? TopicPrefix { get; set; }

    /// <summary>Gets or sets the workspace name used by the defaults; <see langword="null"/> for the registry's.</summary>
    public string? Workspace { get; set; }

    /// <summary>Gets or sets how long the broker keeps our session while we are away.</summary>
    /// <value>The default is 24 hours.</value>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how long one connection attempt may take.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the first wait before reconnecting; it doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between two connection attempts.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the polling interval while the broker is connected (the safety net).</summary>
    /// <value>The default is <see langword="null"/>: each report's <see cref="DriftReport.RequeueAfter"/> (30 s, 60 s with 5+ running rows).</value>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>Gets or sets the polling interval while the broker is unreachable.</summary>
    /// <value>The default is 15 seconds.</value>
    public TimeSpan FallbackPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets a value indicating whether a verified terminal event that ends a row also kills
    /// its tmux session. Off by default: see <c>docs/mqtt.md</c>.</summary>
    public bool KillOnTerminal { get; set; }

    /// <summary>Gets or sets the tmux socket name (<c>-L</c>) for <see cref="KillOnTerminal"/>.</summary>
    public string? TmuxSocketName { get; set; }

    /// <summary>Gets or sets the tmux socket path (<c>-S</c>) for <see cref="KillOnTerminal"/>.</summary>
    public string? TmuxSocketPath { get; set; }

    /// <summary>Fills the broker, CA, user name and password from the <c>AGENT_SESSIONS_BROKER*</c> variables
    /// where they are set; values set in code are replaced only for the broker when it is still the default.</summary>
    /// <param name="getVariable">Reads an environment variable.</param>
    public void ApplyEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        if (Broker == DefaultBroker && NonEmpty(getVariable(BrokerEnvironmentVariable)) is { } broker)
        {
            Broker = broker;
        }

        CaFile ??= NonEmpty(getVariable(CaFileEnvironmentVariable));
        Username ??= NonEmpty(getVariable(UsernameEnvironmentVariable));
        Password ??= NonEmpty(getVariable(PasswordEnvironmentVariable));
    }

    /// <summary>Checks the options, and that <see cref="CaFile"/> (when set) holds a PEM certificate.</summary>
    /// <returns>One sentence per problem; empty when valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!BrokerAddress.TryParse(Broker, out _, out var error))
        {
            problems.Add(error);
        }

        if (CaFile is { } caFile && BrokerTls.Load(caFile, out var caProblem) is null)
        {
            problems.Add(caProblem!);
        }

        if (TopicPrefix is { } prefix && PrefixProblem(prefix, "topic prefix") is { } prefixProblem)
        {
            problems.Add(prefixProblem);
        }

        if (ClientId is { Length: 0 })
        {
            problems.Add("The client id must not be empty.");
        }

        Positive(problems, SessionExpiry, nameof(SessionExpiry));
        Positive(problems, ConnectTimeout, nameof(ConnectTimeout));
        Positive(problems, ReconnectDelay, nameof(ReconnectDelay));
        Positive(problems, PollInterval ?? TimeSpan.FromSeconds(1), nameof(PollInterval));
        Positive(problems, FallbackPollInterval, nameof(FallbackPollInterval));
        if (MaxReconnectDelay < ReconnectDelay)
        {
            problems.Add("MaxReconnectDelay must be at least ReconnectDelay.");
        }

        if (TmuxClient.SocketProblem(TmuxSocketName, TmuxSocketPath) is { } socketProblem)
        {
            problems.Add(socketProblem);
        }

        return problems;
    }

    internal static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Why <paramref name="prefix"/> cannot prefix our topics (<paramref name="what"/> names it), or <see langword="null"/>.</summary>
    internal static string? PrefixProblem(string prefix, string what) =>
        prefix.Length == 0 || prefix.Contains('+', StringComparison.Ordinal) || prefix.Contains('#', StringComparison.Ordinal) || prefix.EndsWith('/')
            ? $"The {what} '{prefix}' must be non-empty, without '+' or '#', and not end with '/'."
            : null;

    /// <summary>Throws the problems as one <see cref="ArgumentException"/> of <paramref name="paramName"/>, if there are any.</summary>
    internal static void ThrowIfAny(IReadOnlyList<string> problems, string paramName)
    {
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), paramName);
        }
    }

    private static void Positive(List<string> problems, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            problems.Add($"{name} must be positive.");
        }
    }
}
