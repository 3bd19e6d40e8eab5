using System.Globalization;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// Builds the <c>list-panes -F</c> format and parses its output. Each record starts with a
/// per-pass sentinel and TAB-separated fields. A live pane's command and path are not asked of
/// tmux (finding each pane's foreground process was most of the call's cost): they are read from
/// <c>/proc</c> when first asked (<see cref="TmuxPaneForeground"/>). A dead pane's command comes
/// last, unescaped: a line that does not start with the sentinel continues it, and TABs in the tenth
/// field belong to it.
/// </summary>
internal static class TmuxListPanesParser
{
    private const int FieldCount = 10;

    public static string Format(string sentinel) =>
        sentinel
        + "\t#{session_name}"
        + "\t#{session_created}"
        + "\t#{window_index}"
        + "\t#{pane_index}"
        + "\t#{pane_active}#{window_active}"
        + "\t#{pane_dead}"
        + "\t#{pane_pid}"
        + "\t#{window_activity}"
        + "\t#{pane_id}"
        + "\t#{?pane_dead,#{pane_current_command},}";

    /// <summary>Makes a sentinel no path is likely to contain after a newline.</summary>
    public static string NewSentinel() => "ASR1" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Parses the output; returns <see langword="null"/> and a reason when a line makes no sense. Live panes read <paramref name="procDirectory"/> when asked.</summary>
    public static IReadOnlyList<TmuxSession>? Parse(string output, string sentinel, string procDirectory, out string? error)
    {
        error = null;
        var prefix = sentinel + "\t";
        var text = output.EndsWith('\n') ? output[..^1] : output;
        var records = new List<List<string>>();
        if (text.Length > 0)
        {
            var lineNumber = 0;
            foreach (var line in text.Split('\n'))
            {
                lineNumber++;
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var fields = line[prefix.Length..].Split('\t', FieldCount);
                    if (fields.Length != FieldCount)
                    {
                        error = string.Create(CultureInfo.InvariantCulture, $"line {lineNumber} has {fields.Length} of {FieldCount} fields.");
                        return null;
                    }

                    records.Add([.. fields]);
                }
                else if (records.Count > 0)
                {
                    records[^1][FieldCount - 1] += "\n" + line;
                }
                else
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"line {lineNumber} does not start a record.");
                    return null;
                }
            }
        }

        var panes = new List<(string Session, string Created, TmuxPane Pane)>(records.Count);
        foreach (var f in records)
        {
            var name = f[0];
            if (name.Length == 0)
            {
                error = "a record has an empty session name.";
                return null;
            }

            if (!int.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var window)
                || !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var pane))
            {
                error = $"the window or pane index of session '{name}' is not a number.";
                return null;
            }

            var pid = long.TryParse(f[6], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : (long?)null;
            bool active = f[4] == "11", dead = f[5] == "1";
            panes.Add((name, f[1], dead || pid is not { } live
                ? new TmuxPane(window, pane, pid, Text(f[9]), null, Epoch(f[7]), active, dead) { Id = Text(f[8]) }
                : new TmuxPane(window, pane, pid, () => TmuxPaneForeground.Read(procDirectory, live), Epoch(f[7]), active, dead) { Id = Text(f[8]) }));
        }

        // A session's creation time is its first record's; sessions in the order tmux listed them.
        return [.. panes.GroupBy(p => p.Session, StringComparer.Ordinal).Select(g => new TmuxSession(g.Key, Epoch(g.First().Created), [.. g.Select(p => p.Pane)]))];
    }

    private static string? Text(string field) => field.Length == 0 ? null : field;

    private static DateTimeOffset? Epoch(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds is > 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
