namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>
/// Reads <c>RECONCILE_POLL_INTERVAL</c>, the fixed wait between two passes of <c>reconcile</c>
/// without <c>--once</c> (<c>--interval</c> wins). Without either, the reconciler's rule applies
/// (<see cref="DriftReport.RequeueAfter"/>).
/// </summary>
internal static class IntervalPolicy
{
    /// <summary>The name of the environment variable that overrides the default interval.</summary>
    public const string EnvironmentVariable = "RECONCILE_POLL_INTERVAL";

    /// <summary>Reads <c>RECONCILE_POLL_INTERVAL</c>.</summary>
    /// <param name="value">The variable's value, or <see langword="null"/> when unset.</param>
    /// <returns>The interval, or <see langword="null"/> when unset or empty.</returns>
    /// <exception cref="Parsing.UsageException">The value is not a whole number of seconds in range.</exception>
    public static TimeSpan? FromEnvironment(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? null
            : Parsing.CommandLineParser.ParseInterval(value.Trim(), EnvironmentVariable, "reconcile");
}
