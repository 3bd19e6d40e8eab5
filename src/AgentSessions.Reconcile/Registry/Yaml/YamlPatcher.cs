using System.Text;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Rewrites only what changed in the original text: a changed scalar's span, a new key as a new
/// line after its predecessor, a removed key's or item's lines, a new session as a block item at
/// the end of its sequence, a changed flow collection re-rendered in place. Returns
/// <see langword="null"/> when the change cannot be made this way (the caller then re-emits).
/// </summary>
internal static class YamlPatcher
{
    public static string? TryPatch(YDocument document, YNode intended)
    {
        var patcher = new Patcher(document);
        return patcher.Run(intended) ? patcher.Apply() : null;
    }

    /// <summary>One splice: replace <c>[Start, End)</c> with <c>Text</c>; <c>Seq</c> is the order edits were made in.</summary>
    private readonly record struct Edit(int Start, int End, string Text, int Seq);

    private sealed class Patcher(YDocument document)
    {
        private readonly string text = document.Text;
        private readonly string nl = document.NewLine;
        private readonly List<Edit> edits = [];

        public bool Run(YNode intended)
        {
            var root = document.Root;
            if (root is null)
            {
                if (intended is not YMap map || map.Origin is not null)
                {
                    return false;
                }

                var sb = new StringBuilder();
                new YamlEmitter.Writer(sb, nl).MapEntries(map, 0);
                var prefix = text.Length > 0 && !text.EndsWith('\n') ? nl : string.Empty;
                edits.Add(new(text.Length, text.Length, prefix + sb, edits.Count));
                return true;
            }

            return Patch(root, intended, key: null, inFlow: false);
        }

        /// <summary>
        /// Applies the edits from the end of the text backwards; <see langword="null"/> when two overlap.
        /// At one position a removal goes first, then the inserts, the last made first, so they end up
        /// in the order they were made (a row's new keys before a session appended after that row).
        /// </summary>
        public string? Apply()
        {
            edits.Sort((a, b) =>
                a.Start != b.Start ? b.Start.CompareTo(a.Start)
                : (a.End > a.Start) != (b.End > b.Start) ? (a.End > a.Start ? -1 : 1)
                : b.Seq.CompareTo(a.Seq));
            var sb = new StringBuilder(text);
            var lastStart = int.MaxValue;
            foreach (var edit in edits)
            {
                if (edit.End > lastStart)
                {
                    return null;
                }

                sb.Remove(edit.Start, edit.End - edit.Start).Insert(edit.Start, edit.Text);
                lastStart = edit.Start;
            }

            return sb.ToString();
        }

        private bool Patch(YNode orig, YNode now, YScalar? key, bool inFlow)
        {
            if (ReferenceEquals(orig, now))
            {
                return true;
            }

            if (now is YMap map && ReferenceEquals(map.Origin, orig))
            {
                return PatchMap((YMap)orig, map, key, inFlow);
            }

            if (now is YSeq seq && ReferenceEquals(seq.Origin, orig))
            {
                return PatchSeq((YSeq)orig, seq, key, inFlow);
            }

            return Replace(orig, now, key, inFlow);
        }

        private bool Replace(YNode orig, YNode now, YScalar? key, bool inFlow)
        {
            if (!orig.HasSpan || orig.Anchor is not null || orig.End < orig.Start)
            {
                return false;
            }

            if (now is YScalar scalar)
            {
                var rendered = YamlEmitter.ScalarText(scalar, inFlow) ?? YamlScalars.DoubleQuote(scalar.Value);
                if (orig is YScalar && orig.Start == orig.End)
                {
                    edits.Add(new(orig.Start, orig.End, " " + rendered, edits.Count));
                    return true;
                }

                if (orig is YScalar || (orig is YMap { Flow: true } or YSeq { Flow: true }))
                {
                    edits.Add(new(orig.Start, orig.End, rendered, edits.Count));
                    return true;
                }

                // A block collection becomes a scalar: replace from just after the key's colon.
                var colon = key is null ? -1 : ColonAfter(key);
                if (colon < 0)
                {
                    return false;
                }

                edits.Add(new(colon + 1, orig.End, " " + rendered, edits.Count));
                return true;
            }

            var flowValue = inFlow || now is YMap { Flow: true } or YSeq { Flow: true } || now is YMap { Entries.Count: 0 } or YSeq { Items.Count: 0 };
            if (flowValue)
            {
                var inline = YamlEmitter.Inline(now, flow: true);
                if (orig.Start == orig.End)
                {
                    inline = " " + inline;
                }

                if (orig is YScalar || orig is YMap { Flow: true } or YSeq { Flow: true })
                {
                    edits.Add(new(orig.Start, orig.End, inline, edits.Count));
                    return true;
                }

                return false;
            }

            // A new block collection under a key: `key:` then the block on the following lines.
            if (key is null || orig is not YScalar)
            {
                return false;
            }

            var at = ColonAfter(key);
            if (at < 0)
            {
                return false;
            }

            var indent = IndentOfLine(key.Start) + 2;
            var sb = new StringBuilder();
            sb.Append(nl);
            var writer = new YamlEmitter.Writer(sb, nl);
            if (now is YMap m)
            {
                writer.MapEntries(m, indent);
            }
            else
            {
                writer.SeqItems((YSeq)now, indent);
            }

            TrimTrailingNewLine(sb);
            edits.Add(new(at + 1, orig.End, sb.ToString(), edits.Count));
            return true;
        }

        private bool PatchMap(YMap orig, YMap now, YScalar? key, bool inFlow)
        {
            if (orig.Flow || inFlow)
            {
                return orig.Flow && Replace(orig, now, key, inFlow: true);
            }

            if (!orig.HasSpan || orig.Entries.Count == 0)
            {
                return false;
            }

            var origIndex = new Dictionary<YScalar, int>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < orig.Entries.Count; i++)
            {
                origIndex[orig.Entries[i].Key] = i;
            }

            var kept = new bool[orig.Entries.Count];
            var last = -1;
            var indent = orig.Entries[0].Key.Column - 1;
            var pending = new StringBuilder();
            var pendingAt = -1;

            foreach (var (k, v) in now.Entries)
            {
                if (origIndex.TryGetValue(k, out var index))
                {
                    if (index < last)
                    {
                        return false; // reordered
                    }

                    Flush(ref pendingAt, pending);
                    kept[index] = true;
                    last = index;
                    if (!Patch(orig.Entries[index].Value, v, k, inFlow: false))
                    {
                        return false;
                    }

                    continue;
                }

                // A new entry: after the previous kept entry's last line, or before the first entry.
                if (pendingAt < 0)
                {
                    if (last >= 0)
                    {
                        pendingAt = LineEndAfter(EntryEnd(orig.Entries[last]));
                    }
                    else
                    {
                        var first = orig.Entries[0].Key;
                        if (!OnlySpacesBefore(first.Start))
                        {
                            return false;
                        }

                        pendingAt = LineStart(first.Start);
                    }
                }

                var sb = new StringBuilder();
                var one = new YMap();
                one.Entries.Add(new(k, v));
                new YamlEmitter.Writer(sb, nl).MapEntries(one, indent);
                pending.Append(sb);
            }

            Flush(ref pendingAt, pending);

            for (var i = 0; i < orig.Entries.Count; i++)
            {
                if (kept[i])
                {
                    continue;
                }

                var entryKey = orig.Entries[i].Key;
                if (!entryKey.HasSpan || !OnlySpacesBefore(entryKey.Start))
                {
                    return false;
                }

                var end = EntryEnd(orig.Entries[i]);
                if (!OnlyCommentAfter(end))
                {
                    return false;
                }

                edits.Add(new(LineStart(entryKey.Start), LineEndAfter(end), string.Empty, edits.Count));
            }

            return true;
        }

        private bool PatchSeq(YSeq orig, YSeq now, YScalar? key, bool inFlow)
        {
            if (orig.Flow || inFlow)
            {
                return orig.Flow && Replace(orig, now, key, inFlow: true);
            }

            if (!orig.HasSpan || orig.Items.Count == 0 || now.Items.Count == 0)
            {
                return false;
            }

            var origIndex = new Dictionary<YNode, int>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < orig.Items.Count; i++)
            {
                origIndex[orig.Items[i]] = i;
            }

            var firstDash = DashBefore(orig.Items[0]);
            if (firstDash < 0)
            {
                return false;
            }

            var dashIndent = firstDash - LineStart(firstDash);
            var kept = new bool[orig.Items.Count];
            var last = -1;
            var pending = new StringBuilder();
            var pendingAt = -1;
            foreach (var item in now.Items)
            {
                var source = item is YMap { Origin: { } o } ? o : item is YSeq { Origin: { } so } ? so : item;
                if (origIndex.TryGetValue(source, out var index))
                {
                    if (index < last)
                    {
                        return false;
                    }

                    Flush(ref pendingAt, pending);
                    kept[index] = true;
                    last = index;
                    if (!Patch(orig.Items[index], item, key: null, inFlow: false))
                    {
                        return false;
                    }

                    continue;
                }

                if (pendingAt < 0)
                {
                    pendingAt = last >= 0 ? LineEndAfter(orig.Items[last].End) : LineStart(firstDash);
                }

                var sb = new StringBuilder();
                var one = new YSeq();
                one.Items.Add(item);
                new YamlEmitter.Writer(sb, nl).SeqItems(one, dashIndent);
                pending.Append(sb);
            }

            Flush(ref pendingAt, pending);
            for (var i = 0; i < orig.Items.Count; i++)
            {
                if (kept[i])
                {
                    continue;
                }

                var dash = DashBefore(orig.Items[i]);
                if (dash < 0 || !orig.Items[i].HasSpan || !OnlyCommentAfter(orig.Items[i].End))
                {
                    return false;
                }

                edits.Add(new(LineStart(dash), LineEndAfter(orig.Items[i].End), string.Empty, edits.Count));
            }

            return true;
        }

        private void Flush(ref int at, StringBuilder pending)
        {
            if (at < 0)
            {
                return;
            }

            var insert = pending.ToString();
            if (at == text.Length && text.Length > 0 && text[^1] != '\n')
            {
                insert = nl + insert;
            }

            edits.Add(new(at, at, insert, edits.Count));
            pending.Clear();
            at = -1;
        }

        private static int EntryEnd(KeyValuePair<YScalar, YNode> entry) => Math.Max(entry.Key.End, entry.Value.End);

        private int ColonAfter(YScalar key)
        {
            var i = key.End;
            while (i < text.Length && text[i] is ' ' or '\t')
            {
                i++;
            }

            return i < text.Length && text[i] == ':' ? i : -1;
        }

        /// <summary>Finds the <c>-</c> of a block sequence item when only spaces (and nested dashes) precede the item on its line.</summary>
        private int DashBefore(YNode item)
        {
            if (item.Start < 0)
            {
                return -1;
            }

            var i = item.Start - 1;
            while (i >= 0 && text[i] == ' ')
            {
                i--;
            }

            if (i < 0 || text[i] != '-' || !OnlySpacesBefore(i))
            {
                return -1;
            }

            return i;
        }

        private int LineStart(int index)
        {
            var i = index;
            while (i > 0 && text[i - 1] != '\n')
            {
                i--;
            }

            return i;
        }

        private int IndentOfLine(int index)
        {
            var start = LineStart(index);
            var i = start;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            return i - start;
        }

        private bool OnlySpacesBefore(int index)
        {
            for (var i = index - 1; i >= 0 && text[i] != '\n'; i--)
            {
                if (text[i] != ' ')
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Gets a value indicating whether only spaces or a comment follow <paramref name="index"/> on its line.</summary>
        private bool OnlyCommentAfter(int index)
        {
            for (var i = index; i < text.Length && text[i] != '\n'; i++)
            {
                if (text[i] == '#')
                {
                    return true;
                }

                if (text[i] is not (' ' or '\t' or '\r'))
                {
                    return false;
                }
            }

            return true;
        }

        private int LineEndAfter(int index)
        {
            var i = text.IndexOf('\n', Math.Min(index, text.Length));
            return i < 0 ? text.Length : i + 1;
        }

        private void TrimTrailingNewLine(StringBuilder sb)
        {
            if (sb.Length >= nl.Length && sb.ToString(sb.Length - nl.Length, nl.Length) == nl)
            {
                sb.Length -= nl.Length;
            }
        }
    }
}
