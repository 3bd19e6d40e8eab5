using System.Globalization;
using System.Text;

namespace AgentSessions.Reconcile.Cli.Output;

/// <summary>
/// Renders <c>agent-sessions status</c> as an aligned text table. Colour (ANSI) only when asked
/// (a terminal, and <c>NO_COLOR</c> unset). Control characters in names are shown as <c>?</c>
/// so a crafted session name cannot drive the terminal.
/// </summary>
internal static class StatusTableRenderer
{
    private const string Reset = "\u001b[0m";
    private const string Bold = "\u001b[1m";
    private const string Green = "\u001b[32m";
    private const string Red = "\u001b[31m";
    private const string Yellow = "\u001b[33m";
    private const int IdWidth = 8;
    private const int MaxDriftWidth = 60;

    private static readonly string[] Headers = ["SESSION", "STATUS", "LIVE", "PANE", "CLAUDE ID", "AGY ID", "LAST DRIFT"];

    /// <summary>Renders the table (with a trailing newline).</summary>
    public static string Render(StatusReport report, bool colour)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.Append("workspace ").Append(Clean(report.Workspace)).Append(" (").Append(Clean(report.RegistryPath)).Append(')');
        if (!report.RegistryExists)
        {
            sb.Append(" - no registry yet");
        }

        sb.Append('\n');
        if (!report.TmuxKnown)
        {
            sb.Append("tmux: unknown (").Append(Clean(report.TmuxReason ?? "no reason given")).Append(")\n");
        }

        if (report.Rows.Count == 0)
        {
            sb.Append("no sessions\n");
            return sb.ToString();
        }

        // The ATTENTION column (after LIVE) only when attention was observed.
        var attention = report.Rows.Any(r => r.Attention is not null);
        var headers = attention ? [.. Headers[..3], "ATTENTION", .. Headers[3..]] : Headers;
        var cells = new List<string[]>(report.Rows.Count);
        foreach (var row in report.Rows)
        {
            string[] line =
            [
                Clean(row.Name),
                row.Registered ? row.Status ?? "-" : "(unregistered)",
                StatusBuilder.Word(row.Live),
                Pane(row),
                ShortId(row.ClaudeSessionIdOwn),
                ShortId(row.AgySessionIdOwn),
                Drift(row.LastDrift),
            ];
            cells.Add(attention ? [.. line[..3], Attention(row.Attention), .. line[3..]] : line);
        }

        var widths = headers.Select((header, c) => cells.Select(line => DisplayWidth(line[c])).Prepend(DisplayWidth(header)).Max()).ToArray();

        AppendLine(sb, headers, widths, colour ? _ => Bold : null);
        for (var r = 0; r < cells.Count; r++)
        {
            var live = report.Rows[r].Live;
            AppendLine(sb, cells[r], widths, colour ? c => c == 2 ? LiveColour(live) : null : null);
        }

        return sb.ToString();
    }

    /// <summary>"waiting/permission (hook)", or "-" when not observed.</summary>
    private static string Attention(SessionAttention? a) =>
        a is null ? "-" : Clean((a.Reason is { } r ? $"{a.State}/{r}" : a.State) + (a.Source == "none" ? string.Empty : $" ({a.Source})"));

    /// <summary>Gets the number of terminal columns <paramref name="text"/> takes (wide East Asian and emoji count 2, combining marks 0).</summary>
    internal static int DisplayWidth(string text) =>
        text.EnumerateRunes()
            .Where(rune => Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format))
            .Sum(rune => IsWide(rune.Value) ? 2 : 1);

    /// <summary>Replaces control characters (ESC, newline …) with <c>?</c>.</summary>
    internal static string Clean(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? '?' : c)) : text;

    private static bool IsWide(int cp) =>
        (cp >= 0x1100 && cp <= 0x115F)
        || (cp >= 0x2E80 && cp <= 0x303E)
        || (cp >= 0x3041 && cp <= 0x33FF)
        || (cp >= 0x3400 && cp <= 0x4DBF)
        || (cp >= 0x4E00 && cp <= 0x9FFF)
        || (cp >= 0xA000 && cp <= 0xA4CF)
        || (cp >= 0xAC00 && cp <= 0xD7A3)
        || (cp >= 0xF900 && cp <= 0xFAFF)
        || (cp >= 0xFE30 && cp <= 0xFE4F)
        || (cp >= 0xFF00 && cp <= 0xFF60)
        || (cp >= 0xFFE0 && cp <= 0xFFE6)
        || (cp >= 0x1F300 && cp <= 0x1F64F)
        || (cp >= 0x1F900 && cp <= 0x1F9FF)
        || (cp >= 0x20000 && cp <= 0x3FFFD);

    private static void AppendLine(StringBuilder sb, string[] cells, int[] widths, Func<int, string?>? colourOf)
    {
        for (var c = 0; c < cells.Length; c++)
        {
            var last = c == cells.Length - 1;
            var colour = colourOf?.Invoke(c);
            sb.Append(colour).Append(cells[c]).Append(colour is null ? null : Reset);

            if (!last)
            {
                sb.Append(' ', widths[c] - DisplayWidth(cells[c]) + 2);
            }
        }

        // No trailing blanks: the last column is not padded.
        sb.Append('\n');
    }

    private static string? LiveColour(Liveness live) => live switch
    {
        Liveness.Alive => Green,
        Liveness.Gone => Red,
        _ => Yellow,
    };

    private static string Pane(StatusRow row)
    {
        if (row.PanePid is null && row.PaneCommand is null)
        {
            return "-";
        }

        var pid = row.PanePid?.ToString(CultureInfo.InvariantCulture) ?? "?";
        var text = row.PaneCommand is null ? pid : pid + " " + Clean(row.PaneCommand);
        return row.PaneIsLive ? text : "(" + text + ")";
    }

    private static string ShortId(string? id) =>
        string.IsNullOrEmpty(id) ? "-" : Clean(id.Length > IdWidth ? id[..IdWidth] : id);

    private static string Drift(Running.LastDrift? drift)
    {
        if (drift is null)
        {
            return "-";
        }

        var sb = new StringBuilder(drift.Class);
        if (drift.At is { } at)
        {
            sb.Append(' ').Append(at.UtcDateTime.ToString("yyyy'-'MM'-'dd' 'HH':'mm'Z'", CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(drift.Message))
        {
            sb.Append(' ').Append(Clean(drift.Message));
        }

        var text = sb.ToString();
        return text.Length > MaxDriftWidth ? text[..(MaxDriftWidth - 1)] + "…" : text;
    }
}
