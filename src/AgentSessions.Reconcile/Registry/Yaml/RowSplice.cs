using System.Text;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Writes a change that kept the rows in order by touching only the rows it changed: each row's lines
/// (its dash line up to the next row's) are parsed on their own only when the row changed, edited
/// like the whole file would be, and put back; removed rows' lines go; new rows are appended after the
/// last row. Verified without re-reading the file: every byte not in a changed row is compared with the
/// original, and each changed or new row's text, parsed on its own, must be one block item that reads
/// as exactly the typed row (and, for a changed row, is node by node its edited tree). It works on the
/// file's bytes: unchanged rows are copied byte for byte, never decoded to text; only the changed rows are.
/// </summary>
internal static class RowSplice
{
    /// <summary>Writes the change into the file's bytes; <paramref name="file"/> is the whole new file (its byte order mark kept).</summary>
    public static bool TryWrite(LoadedRegistry loaded, RegistryEdits changes, YamlLimits limits, Func<string, string>? tamper, out byte[]? file, out RegistrySnapshot? written)
    {
        (file, written) = (null, null);
        var snapshot = loaded.Snapshot;
        var match = changes.Sessions;
        var now = loaded.Registry.Sessions;
        if (!snapshot.RowsSpliceable || changes.RootChanged || !match.InOrder || now.Count == 0)
        {
            return false;
        }

        var source = loaded.Body;
        var src = source.Span;
        var spans = snapshot.Spans;
        var nowOf = new int[spans.Length];
        Array.Fill(nowOf, -1);
        for (var i = 0; i < now.Count; i++)
        {
            if (match.Matched[i] >= 0)
            {
                nowOf[match.Matched[i]] = i;
            }
        }

        var sb = new Parts();
        var pieces = new List<Piece>();
        var lastCut = Math.Min(snapshot.SessionsEnd, Math.Max(spans[^1].Start, LineEndAfter(src, spans[^1].ContentEnd)));
        Copy(sb, pieces, source, 0, spans[0].Start, -1);
        for (var j = 0; j < spans.Length; j++)
        {
            // A row's lines: from its dash line to the next row's (the last row's: to its last content line).
            var (start, end) = (spans[j].Start, j + 1 < spans.Length ? spans[j + 1].Start : lastCut);
            var i = nowOf[j];
            if (i < 0)
            {
                // A removed row: its lines through its last content line; comments after it stay.
                var cut = Math.Min(end, LineEndAfter(src, spans[j].ContentEnd));
                var rest = src[spans[j].ContentEnd..cut].TrimStart(" \t\r"u8);
                if (!rest.IsEmpty && rest[0] is not ((byte)'#' or (byte)'\n'))
                {
                    return false;
                }

                Copy(sb, pieces, source, cut, end, -1);
            }
            else if (match.Changed[i])
            {
                var rowText = RegistryYaml.Utf8.GetString(src[start..end]);
                var yaml = RegistryYaml.Parse("row", rowText, hasBom: false, limits);
                var edits = RegistryWriter.FirstItem(yaml) is { } node ? changes.DiffRow(node, j, now[i]) : null;
                var spliced = edits is null ? null : TextSplicer.TryApply(new YamlText(rowText, yaml.Root, false, false) { NewLine = snapshot.NewLine }, edits);
                if (spliced is null)
                {
                    return false;
                }

                TreeEdits.Apply(yaml, edits!);
                var bytes = Encoding.UTF8.GetBytes(spliced);
                pieces.Add(new Piece(sb.Length, bytes.Length, -1, i, yaml));
                sb.Add(bytes);
            }
            else
            {
                Copy(sb, pieces, source, start, end, i);
            }
        }

        if (Array.IndexOf(match.Matched, -1) >= 0)
        {
            // New rows go after the last row's content, before the comments that follow it.
            Append(sb, pieces, now, match, snapshot.NewLine, src[spans[0].Start..].IndexOf((byte)'-'));
        }

        Copy(sb, pieces, source, lastCut, snapshot.SessionsEnd, -1);
        Copy(sb, pieces, source, snapshot.SessionsEnd, src.Length, -1);
        var bom = snapshot.HasBom ? 3 : 0;
        file = sb.Build(bom);
        if (tamper is not null)
        {
            file = [.. file.AsSpan(0, bom), .. Encoding.UTF8.GetBytes(tamper(RegistryYaml.Utf8.GetString(file.AsSpan(bom))))];
        }

        return Verify(file.AsSpan(bom), src, pieces, snapshot, now, match, limits, out written);
    }

    private static void Copy(Parts sb, List<Piece> pieces, ReadOnlyMemory<byte> source, int start, int end, int row)
    {
        if (end > start || row >= 0)
        {
            pieces.Add(new Piece(sb.Length, end - start, start, row, null));
            sb.Add(source[start..end]);
        }
    }

    private static void Append(Parts sb, List<Piece> pieces, IList<SessionRow> now, RowMatch match, string newLine, int dashColumn)
    {
        var rows = new StringBuilder();
        if (sb.Length > 0 && sb.Last != (byte)'\n')
        {
            rows.Append(newLine);
        }

        var indent = new string(' ', dashColumn);
        for (var i = 0; i < now.Count; i++)
        {
            if (match.Matched[i] < 0)
            {
                var emitted = Y.Emit(new YamlDotNet.RepresentationModel.YamlSequenceNode(Y.Render(now[i])));
                foreach (var line in emitted.TrimEnd('\n').Split('\n'))
                {
                    rows.Append(line.Length == 0 ? string.Empty : indent).Append(line).Append(newLine);
                }
            }
        }

        var bytes = Encoding.UTF8.GetBytes(rows.ToString());
        pieces.Add(new Piece(sb.Length, bytes.Length, -1, -2, null));
        sb.Add(bytes);
    }

    private static bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> source, List<Piece> pieces, RegistrySnapshot snapshot, IList<SessionRow> now, RowMatch match, YamlLimits limits, out RegistrySnapshot? written)
    {
        written = null;
        var last = pieces[^1];
        if (text.Length != last.At + last.Length)
        {
            return false;
        }

        var rows = new SessionRow[now.Count];
        var spans = new RowSpan[now.Count];
        foreach (var piece in pieces)
        {
            if (piece.From >= 0)
            {
                if (!text.Slice(piece.At, piece.Length).SequenceEqual(source.Slice(piece.From, piece.Length)))
                {
                    return false;
                }

                if (piece.Row >= 0)
                {
                    var j = match.Matched[piece.Row];
                    var shift = piece.At - piece.From;
                    rows[piece.Row] = snapshot.Rows[j];
                    spans[piece.Row] = new RowSpan(snapshot.Spans[j].Start + shift, snapshot.Spans[j].ContentEnd + shift);
                }

                continue;
            }

            string part;
            try
            {
                part = RegistryYaml.Utf8.GetString(text.Slice(piece.At, piece.Length));
            }
            catch (DecoderFallbackException)
            {
                return false;
            }

            if (RegistryReader.ReadRows(part, limits) is not { } read || !read.Spans.All(s => s.Start >= 0))
            {
                return false;
            }

            // A changed row: one item, node by node its edited tree, with exactly the typed values.
            var targets = piece.Row >= 0 ? [piece.Row] : Enumerable.Range(0, now.Count).Where(i => match.Matched[i] < 0).ToArray();
            if (read.Rows.Length != targets.Length
                || (piece.Edited is { } edited && !Y.Same(RegistryYaml.Parse("row", part, hasBom: false, limits).Root, edited.Root)))
            {
                return false;
            }

            for (var k = 0; k < targets.Length; k++)
            {
                if (!RowValues.Same(read.Rows[k], now[targets[k]]))
                {
                    return false;
                }

                rows[targets[k]] = read.Rows[k];
                spans[targets[k]] = new RowSpan(read.Spans[k].Start + piece.At, read.Spans[k].ContentEnd + piece.At);
            }
        }

        var sessionsEnd = text.Length - (source.Length - snapshot.SessionsEnd);
        written = snapshot with { Rows = rows, Spans = spans, SessionsEnd = sessionsEnd, HasRoot = true, UsesAnchors = false };
        return true;
    }

    private static int LineEndAfter(ReadOnlySpan<byte> text, int index)
    {
        var from = Math.Min(index, text.Length);
        var i = text[from..].IndexOf((byte)'\n');
        return i < 0 ? text.Length : from + i + 1;
    }

    /// <summary>The new file as parts of other byte arrays, put together once (no second copy of a large file).</summary>
    private sealed class Parts
    {
        private readonly List<ReadOnlyMemory<byte>> parts = [];

        public int Length { get; private set; }

        public byte Last => parts.Count == 0 ? (byte)'\n' : parts[^1].Span[^1];

        public void Add(ReadOnlyMemory<byte> part)
        {
            if (!part.IsEmpty)
            {
                parts.Add(part);
                Length += part.Length;
            }
        }

        /// <summary>The parts after <paramref name="bom"/> bytes of byte order mark.</summary>
        public byte[] Build(int bom)
        {
            var file = GC.AllocateUninitializedArray<byte>(bom + Length);
            ((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])[..bom].CopyTo(file);
            var to = file.AsSpan(bom);
            foreach (var part in parts)
            {
                part.Span.CopyTo(to);
                to = to[part.Length..];
            }

            return file;
        }
    }

    /// <summary>A part of the new file at <see cref="At"/>: a copy of the source from <see cref="From"/> (-1: new text), for the row now at <see cref="Row"/> (-1: none; -2: the new rows).</summary>
    private sealed record Piece(int At, int Length, int From, int Row, YamlText? Edited);
}
