using System.Text.Json;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>
/// Reads which drifts the reconciler last reported for each session from its coalescing state
/// (<c>&lt;state dir&gt;/&lt;workspace&gt;.state</c>, JSON <c>{"version":1,"reported":{"A:name":hash,…}}</c>).
/// The state holds the drifts that are still outstanding, keyed <c>&lt;class&gt;:&lt;session&gt;[:field]</c>,
/// without message or time. Anything unexpected gives an empty answer: <c>status</c> then shows "-".
/// </summary>
internal static class CoalescingStateReader
{
    /// <summary>The default state folder under the workspace root.</summary>
    public static readonly string DefaultFolder = Path.Combine(".cache", "tmux-agent-orchestrate-monitor");

    /// <summary>Gets the state file's path.</summary>
    /// <param name="workspaceRoot">The workspace root.</param>
    /// <param name="stateDirectory">The state folder override, or <see langword="null"/>.</param>
    /// <param name="workspace">The workspace name.</param>
    /// <returns>The path.</returns>
    public static string PathFor(string workspaceRoot, string? stateDirectory, string workspace) =>
        Path.Combine(string.IsNullOrEmpty(stateDirectory) ? Path.Combine(workspaceRoot, DefaultFolder) : stateDirectory, workspace + ".state");

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
    /// <returns>The outstanding drift classes by session; empty when the text is not a version 1 state.</returns>
    internal static IReadOnlyDictionary<string, LastDrift> Parse(string text)
    {
        var classes = new Dictionary<string, SortedSet<char>>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("version", out var version)
                || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var v) || v != 1
                || !root.TryGetProperty("reported", out var reported)
                || reported.ValueKind != JsonValueKind.Object)
            {
                return Empty();
            }

            foreach (var entry in reported.EnumerateObject())
            {
                var key = entry.Name;
                if (key.Length < 3 || key[1] != ':' || key[0] is < 'A' or > 'E')
                {
                    continue;
                }

                // A and B and E keys are "<class>:<session>"; C and D add ":<field>" after the session.
                var rest = key[2..];
                if (key[0] is 'C' or 'D')
                {
                    var colon = rest.LastIndexOf(':');
                    if (colon > 0)
                    {
                        rest = rest[..colon];
                    }
                }

                if (!classes.TryGetValue(rest, out var set))
                {
                    classes[rest] = set = [];
                }

                set.Add(key[0]);
            }
        }
        catch (JsonException)
        {
            return Empty();
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
