using System.Text;
using YamlDotNet.Core;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Turns an intended document back into text. First it tries surgical edits of the original
/// text (only changed spans are rewritten, so comments and formatting elsewhere survive); the
/// result is re-parsed and compared with the intended document. When that is not possible or
/// does not verify, it re-emits the whole document (values, unknown keys and order are kept;
/// comments and styling are not). A text that does not verify is never returned.
/// </summary>
internal static class RegistryWriter
{
    public static string Write(string path, YDocument original, YNode intended, YamlLimits limits, out bool surgical) =>
        Write(path, original, intended, limits, out surgical, out _);

    /// <summary>Writes and verifies; <paramref name="verified"/> is the re-parse of the returned text (its tree, reusable as that text's parse).</summary>
    public static string Write(string path, YDocument original, YNode intended, YamlLimits limits, out bool surgical, out YDocument verified) =>
        Write(path, original, intended, limits, tamper: null, out surgical, out verified);

    /// <summary>Writes and verifies; <paramref name="tamper"/> (tests only) alters the surgical text before it is verified, to prove a bad edit is caught.</summary>
    internal static string Write(string path, YDocument original, YNode intended, YamlLimits limits, Func<string, string>? tamper, out bool surgical, out YDocument verified)
    {
        var patched = YamlPatcher.TryPatch(original, intended);
        if (patched is not null && tamper is not null)
        {
            patched = tamper(patched);
        }

        if (patched is not null && Verifies(path, patched, intended, original.Root, limits, out verified))
        {
            surgical = true;
            return patched;
        }

        surgical = false;
        var emitted = YamlEmitter.Emit(intended, original.NewLine);
        if (Verifies(path, emitted, intended, original.Root, limits, out verified))
        {
            return emitted;
        }

        throw RegistryErrors.At(RegistryErrorKind.Io, path, "the registry could not be written in a form that reads back to the same values; nothing was written.");
    }

    /// <summary>
    /// Re-parses <paramref name="text"/> in full and compares every node with <paramref name="intended"/>
    /// by meaning; then maps it (types, words, unique names). Rows of the intended document that are
    /// the very nodes parsed from the original file (untouched rows, which mapped when it was loaded)
    /// and whose re-parse was just shown equal to them are not mapped again, only name-checked.
    /// </summary>
    private static bool Verifies(string path, string text, YNode intended, YNode? originalRoot, YamlLimits limits, out YDocument reparsed)
    {
        reparsed = null!;
        try
        {
            reparsed = RegistryYamlParser.Parse(path, text, hasBom: false, limits);
            if (reparsed.Root is null || !YamlEquality.Same(reparsed.Root, intended))
            {
                return false;
            }

            RegistryMapper.Map(path, reparsed, UntouchedRows(intended, originalRoot));
            return true;
        }
        catch (RegistryException)
        {
            return false;
        }
    }

    private static Func<int, bool>? UntouchedRows(YNode intended, YNode? originalRoot)
    {
        if (intended is not YMap { } im || im.Get("sessions") is not YSeq intendedRows
            || originalRoot is not YMap om || om.Get("sessions") is not YSeq originalRows)
        {
            return null;
        }

        var originals = new HashSet<YNode>(originalRows.Items, ReferenceEqualityComparer.Instance);
        return i => i < intendedRows.Items.Count && !intendedRows.Items[i].ViaAlias && originals.Contains(intendedRows.Items[i]);
    }
}

/// <summary>Compares documents by meaning: keys and order, tags, and each scalar as every YAML reader would type it.</summary>
internal static class YamlEquality
{
    public static bool Same(YNode a, YNode b)
    {
        var stack = new Stack<(YNode, YNode)>();
        stack.Push((a, b));
        while (stack.Count > 0)
        {
            var (x, y) = stack.Pop();
            if (ReferenceEquals(x, y))
            {
                continue;
            }

            switch (x, y)
            {
                case (YScalar sx, YScalar sy):
                    if (!SameScalar(sx, sy))
                    {
                        return false;
                    }

                    break;
                case (YMap mx, YMap my):
                    if (mx.Entries.Count != my.Entries.Count || !string.Equals(mx.Tag, my.Tag, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    for (var i = 0; i < mx.Entries.Count; i++)
                    {
                        if (!SameScalar(mx.Entries[i].Key, my.Entries[i].Key))
                        {
                            return false;
                        }

                        stack.Push((mx.Entries[i].Value, my.Entries[i].Value));
                    }

                    break;
                case (YSeq qx, YSeq qy):
                    if (qx.Items.Count != qy.Items.Count || !string.Equals(qx.Tag, qy.Tag, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    for (var i = 0; i < qx.Items.Count; i++)
                    {
                        stack.Push((qx.Items[i], qy.Items[i]));
                    }

                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    public static bool SameScalar(YScalar x, YScalar y)
    {
        if (!string.Equals(x.Tag, y.Tag, StringComparison.Ordinal) || !string.Equals(x.Value, y.Value, StringComparison.Ordinal))
        {
            return false;
        }

        if (x.Tag is not null)
        {
            return true;
        }

        // Same text: a plain scalar that a reader could type (null, bool, number, date) must stay plain;
        // text that reads as a string anyway may change quoting.
        return x.IsPlain == y.IsPlain || !YamlScalars.LooksNonString(x.Value);
    }
}

/// <summary>Writes a whole document in block style (flow for maps and sequences marked flow).</summary>
internal static class YamlEmitter
{
    public static string Emit(YNode root, string newLine)
    {
        var sb = new StringBuilder();
        var w = new Writer(sb, newLine);
        switch (root)
        {
            case YMap { Entries.Count: > 0 } map:
                w.MapEntries(map, 0);
                break;
            case YSeq { Items.Count: > 0 } seq:
                w.SeqItems(seq, 0);
                break;
            default:
                sb.Append(Inline(root, flow: true)).Append(newLine);
                break;
        }

        return sb.ToString();
    }

    /// <summary>Renders a node on one line (flow style), or <see langword="null"/> when a scalar needs a block.</summary>
    public static string Inline(YNode node, bool flow)
    {
        var sb = new StringBuilder();
        AppendFlow(sb, node, flow);
        return sb.ToString();
    }

    private static void AppendFlow(StringBuilder sb, YNode node, bool flow)
    {
        AppendTag(sb, node);
        switch (node)
        {
            case YScalar scalar:
                sb.Append(ScalarText(scalar, flow) ?? YamlScalars.DoubleQuote(scalar.Value));
                break;
            case YMap map:
                if (map.Entries.Count == 0)
                {
                    sb.Append("{}");
                    break;
                }

                sb.Append("{ ");
                for (var i = 0; i < map.Entries.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    sb.Append(KeyText(map.Entries[i].Key)).Append(": ");
                    AppendFlow(sb, map.Entries[i].Value, flow: true);
                }

                sb.Append(" }");
                break;
            case YSeq seq:
                sb.Append('[');
                for (var i = 0; i < seq.Items.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    AppendFlow(sb, seq.Items[i], flow: true);
                }

                sb.Append(']');
                break;
        }
    }

    private static void AppendTag(StringBuilder sb, YNode node)
    {
        if (node.Tag is null)
        {
            return;
        }

        const string Core = "tag:yaml.org,2002:";
        sb.Append(node.Tag.StartsWith(Core, StringComparison.Ordinal) ? "!!" + node.Tag[Core.Length..] : node.Tag.StartsWith('!') ? node.Tag : "!<" + node.Tag + ">").Append(' ');
    }

    public static string KeyText(YScalar key)
    {
        var sb = new StringBuilder();
        AppendTag(sb, key);
        var text = ScalarText(key, flow: true);
        sb.Append(text is not null && !text.StartsWith('|') ? text : YamlScalars.DoubleQuote(key.Value));
        return sb.ToString();
    }

    /// <summary>Gets a scalar's one-line text in its style, or <see langword="null"/> when it cannot be one line in that style.</summary>
    public static string? ScalarText(YScalar scalar, bool flow)
    {
        var value = scalar.Value;
        if (scalar.IsPlain)
        {
            if (YamlScalars.LooksNonString(value) && value.Length > 0)
            {
                return value;
            }

            if (value.Length == 0)
            {
                return scalar.Tag is null ? "null" : "''";
            }

            return PlainOk(value, flow) ? value : null;
        }

        if (scalar.Style == ScalarStyle.SingleQuoted && !value.Any(c => char.IsControl(c) || c is '\u0085' or '\u2028' or '\u2029' or '\uFEFF'))
        {
            return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
        }

        return scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded ? null : YamlScalars.DoubleQuote(value);
    }

    private static bool PlainOk(string value, bool flow)
    {
        if (flow)
        {
            return YamlScalars.CanBePlainString(value);
        }

        // Block context allows flow indicators inside; reuse the strict check on a neutralized copy.
        var neutral = value.Replace(',', 'a').Replace('[', 'a').Replace(']', 'a').Replace('{', 'a').Replace('}', 'a');
        return "-?:,[]{}#&*!|>'\"%@`".IndexOf(value[0], StringComparison.Ordinal) < 0 && YamlScalars.CanBePlainString(neutral);
    }

    /// <summary>Renders a literal block scalar (<c>|</c> or <c>|-</c>) body lines, or <see langword="null"/> when the value cannot be one.</summary>
    public static string? LiteralHeader(string value)
    {
        if (value.Length == 0 || value[0] is ' ' or '\n' || value.EndsWith("\n\n", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var ch in value)
        {
            if ((char.IsControl(ch) && ch != '\n') || ch is '\u0085' or '\u2028' or '\u2029' or '\uFEFF')
            {
                return null;
            }
        }

        var body = value.EndsWith('\n') ? value[..^1] : value;
        foreach (var line in body.Split('\n'))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[^1]))
            {
                return null;
            }
        }

        return value.EndsWith('\n') ? "|" : "|-";
    }

    internal sealed class Writer(StringBuilder sb, string newLine)
    {
        public void MapEntries(YMap map, int indent)
        {
            foreach (var (key, value) in map.Entries)
            {
                sb.Append(' ', indent).Append(KeyText(key)).Append(':');
                ValueAfterIndicator(value, indent, inSeq: false);
            }
        }

        public void SeqItems(YSeq seq, int indent)
        {
            foreach (var item in seq.Items)
            {
                sb.Append(' ', indent).Append('-');
                if (item is YMap { Entries.Count: > 0, Flow: false } map && map.Tag is null)
                {
                    sb.Append(' ');
                    var first = true;
                    foreach (var (key, value) in map.Entries)
                    {
                        if (!first)
                        {
                            sb.Append(' ', indent + 2);
                        }

                        first = false;
                        sb.Append(KeyText(key)).Append(':');
                        ValueAfterIndicator(value, indent + 2, inSeq: false);
                    }
                }
                else
                {
                    ValueAfterIndicator(item, indent, inSeq: true);
                }
            }
        }

        private void ValueAfterIndicator(YNode value, int indent, bool inSeq)
        {
            switch (value)
            {
                case YMap { Entries.Count: > 0, Flow: false } map:
                    AppendTagInline(map);
                    sb.Append(newLine);
                    MapEntries(map, indent + 2);
                    break;
                case YSeq { Items.Count: > 0, Flow: false } seq:
                    AppendTagInline(seq);
                    sb.Append(newLine);
                    SeqItems(seq, inSeq ? indent + 2 : indent + 2);
                    break;
                case YScalar scalar:
                    var text = ScalarText(scalar, flow: false);
                    var header = text is null ? LiteralHeader(scalar.Value) : null;
                    sb.Append(' ');
                    AppendTag(sb, scalar);
                    if (text is not null)
                    {
                        sb.Append(text).Append(newLine);
                    }
                    else if (header is not null)
                    {
                        sb.Append(header).Append(newLine);
                        var body = scalar.Value.EndsWith('\n') ? scalar.Value[..^1] : scalar.Value;
                        foreach (var line in body.Split('\n'))
                        {
                            if (line.Length > 0)
                            {
                                sb.Append(' ', indent + 2).Append(line);
                            }

                            sb.Append(newLine);
                        }
                    }
                    else
                    {
                        sb.Append(YamlScalars.DoubleQuote(scalar.Value)).Append(newLine);
                    }

                    break;
                default:
                    sb.Append(' ').Append(Inline(value, flow: true)).Append(newLine);
                    break;
            }
        }

        private void AppendTagInline(YNode node)
        {
            if (node.Tag is not null)
            {
                sb.Append(' ');
                var t = new StringBuilder();
                AppendTag(t, node);
                sb.Append(t.ToString().TrimEnd());
            }
        }
    }
}
