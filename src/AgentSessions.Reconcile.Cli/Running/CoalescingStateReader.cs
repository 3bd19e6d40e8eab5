namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>The last drift reported for a session (from the coalescing state).</summary>
/// <param name="Class">The one-letter classes of the session's outstanding drifts (<c>C,D</c>).</param>
/// <param name="Message">The newest drift's sentence, when recorded.</param>
/// <param name="At">When the newest drift was reported, when recorded.</param>
internal sealed record LastDrift(string Class, string? Message, DateTimeOffset? At);

/// <summary>
/// Reads which drifts the reconciler last reported for each session, through the core's public
/// drift state store (the same path rule and format the reconciler writes). Anything unexpected
/// gives an empty answer: <c>status</c> then shows "-".
/// </summary>
internal static class CoalescingStateReader
{
    /// <summary>Reads the state of <paramref name="workspace"/>.</summary>
    /// <param name="workspaceRoot">The workspace root.</param>
    /// <param name="stateDirectory">The state folder (<c>AGENT_SESSIONS_STATE_DIR</c>), or <see langword="null"/>.</param>
    /// <param name="workspace">The workspace name.</param>
    /// <returns>The last drift by session; empty when there is no readable state.</returns>
    public static IReadOnlyDictionary<string, LastDrift> Read(string workspaceRoot, string? stateDirectory, string workspace)
    {
        try
        {
            return LastBySession(DriftStateStore.CreateFile(workspaceRoot, stateDirectory).Load(workspace));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Dictionary<string, LastDrift>(StringComparer.Ordinal);
        }
    }

    /// <summary>Groups the outstanding drifts by session: every class (<c>C,D</c>), the newest one's message and time.</summary>
    /// <param name="state">The drift state.</param>
    /// <returns>The last drift by session.</returns>
    internal static IReadOnlyDictionary<string, LastDrift> LastBySession(DriftState state) =>
        state.Reported.GroupBy(p => p.Key.Session, StringComparer.Ordinal).ToDictionary(g => g.Key, Last, StringComparer.Ordinal);

    /// <summary>One session's drifts: every class, sorted (<c>C,D</c>), and the newest one's message and time (the first of equals).</summary>
    private static LastDrift Last(IEnumerable<KeyValuePair<DriftKey, ReportedDrift>> drifts)
    {
        var newest = drifts.MaxBy(p => p.Value.At).Value;
        return new LastDrift(
            string.Join(',', drifts.Select(p => p.Key.Class.Letter).Distinct().Order()),
            newest.Message.Length > 0 ? newest.Message : null,
            newest.At == default ? null : newest.At);
    }
}
