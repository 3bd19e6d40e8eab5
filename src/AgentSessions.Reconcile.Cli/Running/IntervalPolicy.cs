namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>
/// Chooses the wait between two passes of <c>reconcile</c> without <c>--once</c>: an explicit
/// <c>--interval</c> wins, then <c>RECONCILE_POLL_INTERVAL</c>, then 30 seconds, or 60 seconds
/// once 5 or more sessions are running (the seed's advice, to keep comments from getting noisy).
/// </summary>
internal static class IntervalPolicy
{
    /// <summary>The name of the environment variable that overrides the default interval.</summary>
    public const string EnvironmentVariable = "RECONCILE_POLL_INTERVAL";

    /// <summary>The running-session count from which <see cref="Busy"/> applies.</summary>
    public const int BusyThreshold = 5;

    /// <summary>Gets the default interval.</summary>
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the interval for a workspace with <see cref="BusyThreshold"/> or more running sessions.</summary>
    public static TimeSpan Busy { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Chooses the interval.</summary>
    /// <param name="flag">The <c>--interval</c> value, if given.</param>
    /// <param name="environment">The <c>RECONCILE_POLL_INTERVAL</c> value, if set.</param>
    /// <param name="runningSessions">How many sessions the last pass found running.</param>
    /// <returns>The wait before the next pass.</returns>
    public static TimeSpan Choose(TimeSpan? flag, TimeSpan? environment, int runningSessions) =>
        flag ?? environment ?? (runningSessions >= BusyThreshold ? Busy : Default);

    /// <summary>Reads <c>RECONCILE_POLL_INTERVAL</c>.</summary>
    /// <param name="value">The variable's value, or <see langword="null"/> when unset.</param>
    /// <returns>The interval, or <see langword="null"/> when unset or empty.</returns>
    /// <exception cref="Parsing.UsageException">The value is not a whole number of seconds in range.</exception>
    public static TimeSpan? FromEnvironment(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? null
            : Parsing.CommandLineParser.ParseInterval(value.Trim(), EnvironmentVariable, "reconcile");
}
