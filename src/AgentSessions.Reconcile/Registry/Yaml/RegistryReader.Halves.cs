using YamlDotNet.Core;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// A large ASCII file read in two halves at once, each by YamlDotNet's parser on its own core: the head
/// (<c>version</c>, <c>workspace</c> and the rows before a line that starts a row) and the rows from that
/// line on. The halves are taken only when they are what one read sees; anything else, and any error,
/// reads the file whole, so a bad file's error and its position are the whole read's.
/// </summary>
/// <remarks>
/// Why the halves are the whole: the cut is at a line whose first character after spaces is a <c>- </c>
/// dash. The head must parse on its own with its root a block mapping whose last key is <c>sessions</c>,
/// a block list of block items at the cut's column, no anchors and an implicit document end: then nothing
/// is open at the cut (an unclosed quote or bracket is an error in the head, a block or plain scalar ends
/// at a line indented no deeper than its list's dash), so in the whole file the cut's line starts the next
/// item of that list. The tail must parse on its own as a block list of rows with no anchors and nothing
/// after it (a top-level key after the list is an error there): then its rows are the rest of the list.
/// Names must also be unique across the halves, and the tail nests one level less, so its depth limit
/// is one less.
/// </remarks>
internal sealed partial class RegistryReader
{
    /// <summary>The smallest file read in halves: below it, starting a second thread is not worth it.</summary>
    public const int HalvesFrom = 1 << 20;

    /// <summary>Reads the file in halves cut at the first row line after <paramref name="from"/> (default: the middle); <see langword="null"/> when the halves are not the whole.</summary>
    internal static RegistrySnapshot? ReadHalves(string path, byte[] file, int bom, YamlLimits limits, int? from = null)
    {
        var body = file.AsSpan(bom);
        var (cut, column) = RowLineFrom(body, from ?? body.Length / 2);
        if (cut <= 0)
        {
            return null;
        }

        var tail = Task.Run(() => ReadRows(new SourceText(file, bom + cut), limits with { MaxDepth = limits.MaxDepth - 1 }));
        var head = ReadHead(path, new SourceText(file, bom, cut), bom > 0, limits, column);
        if (tail.GetAwaiter().GetResult() is not { } rest || head is null || !Array.TrueForAll(rest.Spans, s => s.Start >= 0))
        {
            return null;
        }

        var names = new HashSet<string>(head.Rows.Length + rest.Rows.Length, StringComparer.Ordinal);
        foreach (var row in head.Rows)
        {
            names.Add(row.Name);
        }

        foreach (var row in rest.Rows)
        {
            if (!names.Add(row.Name))
            {
                return null;
            }
        }

        var spans = new RowSpan[head.Spans.Length + rest.Spans.Length];
        head.Spans.CopyTo(spans, 0);
        for (var i = 0; i < rest.Spans.Length; i++)
        {
            spans[head.Spans.Length + i] = new RowSpan(rest.Spans[i].Start + cut, rest.Spans[i].ContentEnd + cut);
        }

        return head with
        {
            Rows = [.. head.Rows, .. rest.Rows],
            Spans = spans,
            SessionsEnd = body.Length,
            NewLine = body.IndexOf("\r\n"u8) >= 0 ? "\r\n" : "\n",
        };
    }

    /// <summary>Reads the head; <see langword="null"/> unless it ends in a block list of rows at <paramref name="column"/> (see the remarks above) or on any error.</summary>
    private static RegistrySnapshot? ReadHead(string path, SourceText text, bool hasBom, YamlLimits limits, int column)
    {
        try
        {
            var reader = new RegistryReader(path, text, limits);
            var head = reader.ReadDocument(hasBom);
            var first = head.Spans.Length > 0 ? head.Spans[0].Start : -1;
            return reader.implicitEnd && head.SessionsEnd == text.Length && first >= 0 && first + column < text.Length
                && text.OnlySpaces(first, first + column) && text[first + column] == '-' ? head : null;
        }
        catch (Exception ex) when (ex is YamlException or RegistryException)
        {
            return null;
        }
    }

    /// <summary>The first line from <paramref name="from"/> on whose first character after spaces is a dash and a space or line break, and that dash's column; (-1, 0) when there is none.</summary>
    private static (int Line, int Column) RowLineFrom(ReadOnlySpan<byte> body, int from)
    {
        for (var nl = body[from..].IndexOf((byte)'\n'); nl >= 0; nl = body[from..].IndexOf((byte)'\n'))
        {
            var line = from + nl + 1;
            var column = body[line..].IndexOfAnyExcept((byte)' ');
            if (column >= 0 && line + column + 1 < body.Length && body[line + column] == '-' && body[line + column + 1] is (byte)' ' or (byte)'\n' or (byte)'\r')
            {
                return (line, column);
            }

            from = line;
        }

        return (-1, 0);
    }
}
