using System.Text.Json;
using AgentSessions.Reconcile.Reconciling;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>
/// Reads which drifts the reconciler last reported for each session from its coalescing state,
/// with the core's own path rule and parser (so <c>status</c> always reads what the reconciler
/// wrote). The state holds the drifts that are still outstanding, keyed
/// <c>&lt;class&gt;:&lt;session&gt;[:field]</c>, without message or time. Anything unexpected gives
/// an empty answer: <c>status</c> then shows "-".
/// </summary>
internal static class CoalescingStateReader
{
    /// <summary>Gets the state file's path (the reconciler's rule).</summary>
    /// <param name="workspaceRoot">The workspace root.</param>
    /// <param name="stateDirectory">The state folder override, or <see langword="null"/>.</param>
    /// <param name="workspace">The workspace name.</param>
    /// <returns>The path.</returns>
    public static string PathFor(string workspaceRoot, string? stateDirectory, string workspace) =>
        CoalescingStateFile.PathFor(workspaceRoot, stateDirectory, workspace);

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <param name="path">The state file.</param>
    /// <returns>The outstanding drift classes by session (for example <c>C,D</c>); empty when unreadable.</returns>
    public static IReadOnlyDictionary<string, LastDrift> Read(string path)
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : Empty();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Empty();
        }
    }

    /// <summary>Parses the state text.</summary>
    /// <param name="text">The JSON text.</param>
    /// <returns>The outstanding drift classes by session; empty when the text is not a valid state.</returns>
    internal static IReadOnlyDictionary<string, LastDrift> Parse(string text)
    {
        CoalescingState state;
        try
        {
            state = CoalescingStateFile.Parse(text);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return Empty();
        }

        var classes = new Dictionary<string, SortedSet<char>>(StringComparer.Ordinal);
        foreach (var key in state.Reported.Keys)
        {
            if (key.Length < 3 || key[1] != ':' || key[0] is < 'A' or > 'E')
            {
                continue;
            }

            // A, B and E keys are "<class>:<session>"; C and D add ":<field>" after the session.
            var session = key[2..];
            if (key[0] is 'C' or 'D' && session.LastIndexOf(':') is > 0 and var colon)
            {
                session = session[..colon];
            }

            if (!classes.TryGetValue(session, out var set))
            {
                classes[session] = set = [];
            }

            set.Add(key[0]);
        }

        var result = new Dictionary<string, LastDrift>(classes.Count, StringComparer.Ordinal);
        foreach (var (session, set) in classes)
        {
            result[session] = new LastDrift(string.Join(',', set), null, null);
        }

        return result;
    }

    private static Dictionary<string, LastDrift> Empty() => new(StringComparer.Ordinal);
}
