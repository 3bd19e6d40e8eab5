namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// The wait between two passes of a loop: a fixed interval when one is given, else 30 seconds, or
/// 60 seconds once 5 or more rows are running (the seed's advice, to keep reports from getting
/// noisy). The one copy of the rule; the CLI loop and the worker read it from the report.
/// </summary>
internal static class PollIntervals
{
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(30);

    public static TimeSpan For(int running, TimeSpan? fixedInterval) =>
        fixedInterval ?? (running >= 5 ? TimeSpan.FromSeconds(60) : Default);
}
