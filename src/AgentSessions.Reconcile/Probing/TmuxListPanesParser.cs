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
        var text = output.AsSpan(0, output.EndsWith('\n') ? output.Length - 1 : output.Length);

        // Where each record's fields lie in the text: from after its prefix to the end of its last line
        // (a line that starts no record continues the last field of the one before).
        var records = new List<Range>();
        var lineNumber = 0;
        for (var start = 0; text.Length > 0 && start <= text.Length;)
        {
            lineNumber++;
            var end = text[start..].IndexOf('\n') is >= 0 and var at ? start + at : text.Length;
            var line = text[start..end];
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                var fields = Math.Min(line[prefix.Length..].Count('\t') + 1, FieldCount);
                if (fields != FieldCount)
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"line {lineNumber} has {fields} of {FieldCount} fields.");
                    return null;
                }

                records.Add((start + prefix.Length)..end);
            }
            else if (records.Count > 0)
            {
                records[^1] = records[^1].Start..end;
            }
            else
            {
                error = string.Create(CultureInfo.InvariantCulture, $"line {lineNumber} does not start a record.");
                return null;
            }

            start = end + 1;
        }

        // Sessions in the order tmux listed them; a session's creation time is its first record's.
        var sessions = new List<(string Name, DateTimeOffset? Created, List<TmuxPane> Panes)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        Span<Range> f = stackalloc Range[FieldCount];
        foreach (var record in records)
        {
            var fields = text[record];
            fields.Split(f, '\t');
            if (fields[f[0]].IsEmpty)
            {
                error = "a record has an empty session name.";
                return null;
            }

            var name = fields[f[0]].ToString();
            if (!int.TryParse(fields[f[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var window)
                || !int.TryParse(fields[f[3]], NumberStyles.None, CultureInfo.InvariantCulture, out var pane))
            {
                error = $"the window or pane index of session '{name}' is not a number.";
                return null;
            }

            var pid = long.TryParse(fields[f[6]], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : (long?)null;
            bool active = fields[f[4]].SequenceEqual("11"), dead = fields[f[5]].SequenceEqual("1");
            var tmuxPane = dead || pid is not { } live
                ? new TmuxPane(window, pane, pid, Text(fields[f[9]]), null, Epoch(fields[f[7]]), active, dead) { Id = Text(fields[f[8]]) }
                : new TmuxPane(window, pane, pid, () => TmuxPaneForeground.Read(procDirectory, live), Epoch(fields[f[7]]), active, dead) { Id = Text(fields[f[8]]) };
            if (index.TryGetValue(name, out var i))
            {
                sessions[i].Panes.Add(tmuxPane);
            }
            else
            {
                index[name] = sessions.Count;
                sessions.Add((name, Epoch(fields[f[1]]), [tmuxPane]));
            }
        }

        return [.. sessions.Select(s => new TmuxSession(s.Name, s.Created, s.Panes))];
    }

    private static string? Text(ReadOnlySpan<char> field) => field.IsEmpty ? null : field.ToString();

    private static DateTimeOffset? Epoch(ReadOnlySpan<char> value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds is > 0 and < 253402300800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
