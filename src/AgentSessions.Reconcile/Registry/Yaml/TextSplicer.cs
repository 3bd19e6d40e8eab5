using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Writes edits into the original text at the nodes' marks, so every byte outside them (comments,
/// blank lines, quoting, unknown keys) stays as it was: a scalar is replaced in place, a key's
/// lines are inserted after its mapping's last line or removed, a row is appended after the last
/// row or removed. Returns <see langword="null"/> for an edit it cannot place this way (anchors,
/// reordering, restructured flow collections): the caller then saves the whole tree.
/// </summary>
internal sealed class TextSplicer(YamlText yaml)
{
    private readonly string text = yaml.Text;
    private readonly string nl = yaml.NewLine;
    private readonly List<(int Start, int End, string Text, int Depth)> splices = [];
    private readonly Dictionary<YamlNode, int> insertedAt = new(ReferenceEqualityComparer.Instance);

    public static string? TryApply(YamlText yaml, List<Edit> edits)
    {
        var splicer = new TextSplicer(yaml);
        return !yaml.UsesAnchors && edits.TrueForAll(splicer.Add) ? splicer.Result() : null;
    }

    /// <summary>Splices in order of position; inserts at one position go deepest first, then in the order they were made.</summary>
    private string? Result()
    {
        var ordered = splices.Select((s, i) => (s, i)).OrderBy(x => x.s.Start).ThenByDescending(x => x.s.Depth).ThenBy(x => x.i);
        var sb = new StringBuilder(text.Length + 256);
        var at = 0;
        foreach (var ((start, end, insert, _), _) in ordered)
        {
            if (start < at)
            {
                return null; // overlapping edits
            }

            sb.Append(text, at, start - at).Append(insert);
            at = end;
        }

        return sb.Append(text, at, text.Length - at).ToString();
    }

    private bool Add(Edit edit)
    {
        switch (edit.Kind)
        {
            case EditKind.SetValue:
                return SetValue((YamlMappingNode)edit.Container!, edit.Key!, edit.Old!, edit.New!, edit.Depth);
            case EditKind.InsertKey when edit.Container is YamlMappingNode { Style: MappingStyle.Flow } flow:
                var inline = Inline(edit.New!);
                var close = End(flow) - 1;
                var last = flow.Children.Count == 0 ? close : End(flow.Children.Last().Value);
                return inline is not null && last >= 0 && Splice(last, last, (flow.Children.Count == 0 ? string.Empty : ", ") + KeyText(edit.Key!) + ": " + inline, edit.Depth);
            case EditKind.InsertKey:
                var map = (YamlMappingNode)edit.Container!;
                var indent = KeyIndent((YamlScalarNode)map.Children.First().Key);
                var line = new string(' ', indent) + KeyText(edit.Key!) + ":" + AfterColon(edit.New!, indent);
                var at = edit.After is null ? LineEndAfter(End(map)) : insertedAt.TryGetValue(edit.After, out var p) ? p : LineEndAfter(ValueEnd(edit.After, map[edit.After]));
                insertedAt[edit.Key!] = at;
                return Append(at, line, edit.Depth);
            case EditKind.RemoveKey when edit.Container is YamlMappingNode { Style: not MappingStyle.Flow }:
                var keyStart = (int)edit.Key!.Start.Index;
                return OnlySpacesBefore(keyStart) && RemoveLines(keyStart, ValueEnd(edit.Key, edit.Old!), edit.Depth);
            case EditKind.AppendItem when edit.Container is YamlSequenceNode { Style: not SequenceStyle.Flow } seq:
                var dash = (int)seq.Start.Index;
                var item = Indent(Y.Emit(new YamlSequenceNode(edit.New!)), dash - LineStart(dash));
                return text[dash] == '-' && OnlySpacesBefore(dash) && Append(LineEndAfter(End(seq)), item, edit.Depth);
            case EditKind.RemoveItem when edit.Container is YamlSequenceNode { Style: not SequenceStyle.Flow }:
                var itemDash = text.LastIndexOf('-', Math.Max(0, (int)edit.Old!.Start.Index - 1));
                return itemDash >= 0 && text.AsSpan(itemDash + 1, (int)edit.Old.Start.Index - itemDash - 1).IsWhiteSpace() && OnlySpacesBefore(itemDash)
                    && RemoveLines(itemDash, End(edit.Old), edit.Depth);
            case EditKind.SetRoot when yaml.Root is null:
                var separator = text.Length > 0 && !text.EndsWith('\n') ? nl : string.Empty;
                return Splice(text.Length, text.Length, separator + Indent(Y.Emit(edit.New!), 0) + nl, 0);
            default:
                return false;
        }
    }

    private bool SetValue(YamlMappingNode map, YamlScalarNode key, YamlNode old, YamlNode now, int depth)
    {
        var flow = map.Style == MappingStyle.Flow;
        var inline = Inline(now);
        if (IsEmpty(old))
        {
            var colon = ColonAfter(key);
            return colon >= 0 && (inline is not null || !flow) && Splice(colon + 1, colon + 1, flow ? " " + inline : AfterColon(now, KeyIndent(key)), depth);
        }

        if (inline is not null && old is YamlScalarNode or YamlMappingNode { Style: MappingStyle.Flow } or YamlSequenceNode { Style: SequenceStyle.Flow })
        {
            return Splice((int)old.Start.Index, End(old), inline, depth);
        }

        var after = ColonAfter(key);
        return !flow && after >= 0 && Splice(after + 1, End(old), AfterColon(now, KeyIndent(key)), depth);
    }

    /// <summary>A value as it follows <c>key:</c> — on the same line when it fits one, else as an indented block on the next lines.</summary>
    private string AfterColon(YamlNode value, int keyIndent) =>
        Inline(value) is { } inline ? " " + inline : nl + Indent(Y.Emit(value), keyIndent + 2);

    /// <summary>Gets a value's one-line text: a scalar in its style, a flow or empty collection; <see langword="null"/> for a block.</summary>
    private static string? Inline(YamlNode value) => value switch
    {
        YamlScalarNode { Style: ScalarStyle.DoubleQuoted } s => YamlScalars.DoubleQuote(s.Value!),
        YamlScalarNode s => s.Value,
        YamlMappingNode { Style: MappingStyle.Flow } map when map.Children.All(e => e.Value is YamlScalarNode) =>
            "{" + string.Join(", ", map.Children.Select(e => KeyText((YamlScalarNode)e.Key) + ": " + Inline(e.Value))) + "}",
        YamlMappingNode { Style: MappingStyle.Flow } or YamlSequenceNode { Style: SequenceStyle.Flow } => Y.Emit(value).TrimEnd('\n'),
        YamlMappingNode { Children.Count: 0 } => "{}",
        YamlSequenceNode { Children.Count: 0 } => "[]",
        _ => null,
    };

    private static string KeyText(YamlScalarNode key) => Inline(Y.Str(key.Value!))!;

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value.Length: 0 } && Y.IsNull(node);

    /// <summary>Indents each line of emitted YAML and ends lines with the file's line ending (no line ending after the last).</summary>
    private string Indent(string emitted, int indent)
    {
        var pad = new string(' ', indent);
        return string.Join(nl, emitted.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? l : pad + l));
    }

    /// <summary>Inserts whole lines at <paramref name="at"/>, a line start (or the end of the text).</summary>
    private bool Append(int at, string lines, int depth)
    {
        if (at < 0)
        {
            return false;
        }

        var separator = at == text.Length && (text.Length == 0 || text[^1] != '\n') ? nl : string.Empty;
        return Splice(at, at, separator + lines + nl, depth);
    }

    /// <summary>Removes the lines from the one holding <paramref name="start"/> through the one holding <paramref name="end"/>, when nothing but a comment follows it.</summary>
    private bool RemoveLines(int start, int end, int depth)
    {
        if (end < 0)
        {
            return false;
        }

        var rest = text.AsSpan(end, LineEndAfter(end) - end).TrimStart(" \t\r");
        return (rest.IsEmpty || rest[0] is '#' or '\n') && Splice(LineStart(start), LineEndAfter(end), string.Empty, depth);
    }

    private bool Splice(int start, int end, string insert, int depth)
    {
        if (start < 0 || end < start)
        {
            return false;
        }

        splices.Add((start, end, insert, depth));
        return true;
    }

    /// <summary>Gets the offset just after a node's last character (a block's last content, a flow collection's bracket), or -1.</summary>
    private int End(YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode when IsEmpty(node):
                return -1;
            case YamlScalarNode:
                var end = Math.Min((int)node.End.Index, text.Length);
                while (end > node.Start.Index && char.IsWhiteSpace(text[end - 1]))
                {
                    end--;
                }

                return end;
            case YamlMappingNode { Style: MappingStyle.Flow } or YamlSequenceNode { Style: SequenceStyle.Flow }:
                var last = node is YamlMappingNode m ? m.Children.LastOrDefault().Value : ((YamlSequenceNode)node).Children.LastOrDefault();
                var i = last is null ? text.IndexOf(node is YamlMappingNode ? '{' : '[', (int)node.Start.Index) + 1 : End(last);
                while (i > 0 && i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ','))
                {
                    i++;
                }

                return i > 0 && i < text.Length && text[i] == (node is YamlMappingNode ? '}' : ']') ? i + 1 : -1;
            case YamlMappingNode map when map.Children.Count > 0:
                var (key, value) = map.Children.Last();
                return ValueEnd((YamlScalarNode)key, value);
            case YamlSequenceNode seq when seq.Children.Count > 0:
                return End(seq.Children[^1]);
            default:
                return -1;
        }
    }

    private int ValueEnd(YamlScalarNode key, YamlNode value) => IsEmpty(value) && ColonAfter(key) is var colon and >= 0 ? colon + 1 : End(value);

    private int ColonAfter(YamlScalarNode key)
    {
        var i = End(key);
        while (i >= 0 && i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }

        return i >= 0 && i < text.Length && text[i] == ':' ? i : -1;
    }

    private static int KeyIndent(YamlScalarNode key) => (int)key.Start.Column - 1;

    private int LineStart(int index) => index <= 0 ? 0 : text.LastIndexOf('\n', index - 1) + 1;

    private int LineEndAfter(int index)
    {
        if (index < 0)
        {
            return -1;
        }

        var i = text.IndexOf('\n', Math.Min(index, text.Length));
        return i < 0 ? text.Length : i + 1;
    }

    private bool OnlySpacesBefore(int index) => text.AsSpan(LineStart(index), index - LineStart(index)).Trim(' ').IsEmpty;
}
