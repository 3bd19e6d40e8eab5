using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>The limits the parser enforces while it reads.</summary>
internal readonly record struct YamlLimits(int MaxDepth, int MaxAliasExpansions);

/// <summary>
/// Reads registry bytes into a <see cref="YDocument"/> with source spans, safely: UTF-8 only,
/// no NUL bytes, one document, bounded nesting and alias expansion, no duplicate keys.
/// Uses YamlDotNet's event parser and builds the tree with an explicit stack (no recursion).
/// </summary>
internal static class RegistryYamlParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static YDocument Parse(string path, ReadOnlySpan<byte> bytes, YamlLimits limits)
    {
        var text = Decode(path, bytes, out var hasBom);
        return Parse(path, text, hasBom, limits);
    }

    public static string Decode(string path, ReadOnlySpan<byte> bytes, out bool hasBom)
    {
        hasBom = false;
        if (bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)))
        {
            throw RegistryErrors.At(RegistryErrorKind.Syntax, path, "registry must be UTF-8 (found a UTF-16 byte order mark).", 1, 1);
        }

        if (bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF)
        {
            throw RegistryErrors.At(RegistryErrorKind.Syntax, path, "registry must be UTF-8 (found a UTF-32 byte order mark).", 1, 1);
        }

        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            hasBom = true;
            bytes = bytes[3..];
        }

        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            var (line, column) = ByteLocation(bytes, nul);
            throw RegistryErrors.At(RegistryErrorKind.Syntax, path, "registry holds a NUL byte; it looks like a binary file, not UTF-8 YAML text.", line, column);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            var index = Math.Max(0, ex.Index);
            var bad = index < bytes.Length ? bytes[index] : (byte)0;
            var (line, column) = ByteLocation(bytes, index);
            throw RegistryErrors.At(
                RegistryErrorKind.Syntax,
                path,
                string.Create(CultureInfo.InvariantCulture, $"registry is not valid UTF-8 (byte 0x{bad:X2}); it may be a binary file or use another encoding."),
                line,
                column,
                inner: ex);
        }
    }

    public static YDocument Parse(string path, string text, bool hasBom, YamlLimits limits)
    {
        // The common subset (block maps and sequences, one-line scalars and flow collections, comments)
        // is read by a direct scanner; anything else, and every error, goes through YamlDotNet so
        // that behaviour and messages are exactly those of the full parser.
        var fast = FastYamlScanner.TryParse(path, text, limits);
        if (fast.Parsed)
        {
            return new YDocument(text, fast.Root, hasBom);
        }

        return ParseWithYamlDotNet(path, text, hasBom, limits);
    }

    /// <summary>Parses with YamlDotNet's event parser only (no fast path).</summary>
    internal static YDocument ParseWithYamlDotNet(string path, string text, bool hasBom, YamlLimits limits)
    {
        var parser = new Parser(new Scanner(new StringReader(text), skipComments: true));
        var builder = new TreeBuilder(path, text, limits);
        try
        {
            while (parser.MoveNext())
            {
                Accept(builder, parser.Current!);
            }
        }
        catch (YamlException ex)
        {
            throw Translate(path, text, ex);
        }

        return new YDocument(text, builder.Root, hasBom);
    }

    private static void Accept(TreeBuilder builder, ParsingEvent ev)
    {
        var start = (int)ev.Start.Index;
        var end = (int)ev.End.Index;
        var line = (int)ev.Start.Line;
        var column = (int)ev.Start.Column;
        switch (ev)
        {
            case DocumentStart:
                builder.DocumentStart(line, column);
                break;
            case Scalar scalar:
                builder.Scalar(scalar.Value, scalar.Style, scalar.Tag.IsEmpty ? null : scalar.Tag.Value, scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value, start, end, line, column);
                break;
            case MappingStart mappingStart:
                builder.StartCollection(isMap: true, mappingStart.Style == MappingStyle.Flow, mappingStart.Tag.IsEmpty ? null : mappingStart.Tag.Value, mappingStart.Anchor.IsEmpty ? null : mappingStart.Anchor.Value, start, end, line, column);
                break;
            case SequenceStart sequenceStart:
                builder.StartCollection(isMap: false, sequenceStart.Style == SequenceStyle.Flow, sequenceStart.Tag.IsEmpty ? null : sequenceStart.Tag.Value, sequenceStart.Anchor.IsEmpty ? null : sequenceStart.Anchor.Value, start, end, line, column);
                break;
            case MappingEnd or SequenceEnd:
                builder.EndCollection(start);
                break;
            case AnchorAlias alias:
                builder.Alias(alias.Value.Value, start, end, line, column);
                break;
        }
    }

    private static RegistryException Translate(string path, string text, YamlException ex)
    {
        var line = (int)Math.Max(1, ex.Start.Line);
        var column = (int)Math.Max(1, ex.Start.Column);
        if (ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            var (tabLine, tabColumn) = FindTabIndentation(text, Math.Max(1, line - 1));
            if (tabLine > 0)
            {
                return RegistryErrors.At(RegistryErrorKind.Syntax, path, "a tab is used for indentation; YAML indents with spaces only.", tabLine, tabColumn, inner: ex);
            }
        }

        var reason = ex.Message;
        var cut = reason.IndexOf(" - ", StringComparison.Ordinal);
        if (reason.StartsWith('(') && cut > 0)
        {
            reason = reason[(cut + 3)..];
        }

        return RegistryErrors.At(RegistryErrorKind.Syntax, path, $"not valid YAML: {reason.TrimEnd('.')}.", line, column, inner: ex);
    }

    private static (int Line, int Column) FindTabIndentation(string text, int fromLine)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '\n')
            {
                if (line >= fromLine)
                {
                    for (var j = lineStart; j < i && text[j] is ' ' or '\t'; j++)
                    {
                        if (text[j] == '\t')
                        {
                            return (line, j - lineStart + 1);
                        }
                    }
                }

                line++;
                lineStart = i + 1;
            }
        }

        return (0, 0);
    }

    private static (int Line, int Column) ByteLocation(ReadOnlySpan<byte> bytes, int index)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, index - lineStart + 1);
    }

    private sealed class Frame(YNode node)
    {
        public YNode Node { get; } = node;

        public YScalar? PendingKey { get; set; }

        public HashSet<string>? Keys { get; set; }
    }

    /// <summary>Builds the span-tracking tree from parse events (from YamlDotNet or the fast scanner), enforcing the limits.</summary>
    internal sealed class TreeBuilder(string path, string text, YamlLimits limits)
    {
        private readonly Stack<Frame> stack = new();
        private readonly Dictionary<string, YNode> anchors = new(StringComparer.Ordinal);
        private int aliasBudget = limits.MaxAliasExpansions;
        private int documents;

        public YNode? Root { get; private set; }

        public int Depth => stack.Count;

        public void DocumentStart(int line, int column)
        {
            if (documents > 0)
            {
                throw RegistryErrors.At(RegistryErrorKind.Syntax, path, "registry must hold a single YAML document, found a second one.", line, column);
            }

            documents++;
        }

        public void Scalar(string value, ScalarStyle style, string? tag, string? anchor, int start, int end, int line, int column)
        {
            var node = new YScalar(value, style);
            SetStart(node, tag, anchor, start, end, line, column);
            node.End = TrimEnd(start, end);
            Attach(node, line, column);
        }

        public void StartCollection(bool isMap, bool flow, string? tag, string? anchor, int start, int end, int line, int column)
        {
            CheckDepth(line, column);
            YNode node = isMap ? new YMap { Flow = flow } : new YSeq { Flow = flow };
            SetStart(node, tag, anchor, start, end, line, column);
            Attach(node, line, column);
            stack.Push(new Frame(node));
        }

        public void EndCollection(int start)
        {
            var frame = stack.Pop();
            var node = frame.Node;
            var flow = node is YMap { Flow: true } or YSeq { Flow: true };
            if (flow)
            {
                node.End = start + 1;
            }
            else
            {
                YNode? last = node switch
                {
                    YMap m when m.Entries.Count > 0 => m.Entries[^1].Value,
                    YSeq s when s.Items.Count > 0 => s.Items[^1],
                    _ => null,
                };
                node.End = last is null ? node.Start : Math.Max(last.End, last.Start);
            }
        }

        public void Alias(string name, int start, int end, int line, int column)
        {
            if (!anchors.TryGetValue(name, out var target))
            {
                throw RegistryErrors.At(RegistryErrorKind.Syntax, path, $"alias *{name} refers to no anchor defined before it.", line, column);
            }

            var clone = target.CloneForAlias(ref aliasBudget);
            if (aliasBudget < 0)
            {
                throw RegistryErrors.At(
                    RegistryErrorKind.TooLarge,
                    path,
                    string.Create(CultureInfo.InvariantCulture, $"aliases expand to more than {limits.MaxAliasExpansions} nodes (an alias bomb?)."),
                    line,
                    column);
            }

            clone.Start = start;
            clone.End = end;
            clone.Line = line;
            clone.Column = column;
            Attach(clone, line, column);
        }

        private int TrimEnd(int start, int end)
        {
            end = Math.Min(end, text.Length);
            while (end > start && char.IsWhiteSpace(text[end - 1]))
            {
                end--;
            }

            return end;
        }

        private void CheckDepth(int line, int column)
        {
            if (stack.Count + 1 > limits.MaxDepth)
            {
                throw RegistryErrors.At(
                    RegistryErrorKind.TooLarge,
                    path,
                    string.Create(CultureInfo.InvariantCulture, $"nesting is deeper than the {limits.MaxDepth}-level limit."),
                    line,
                    column);
            }
        }

        private void SetStart(YNode node, string? tag, string? anchor, int start, int end, int line, int column)
        {
            node.Start = start;
            node.End = end;
            node.Line = line;
            node.Column = column;
            node.Tag = tag;
            node.Anchor = anchor;
            if (anchor is not null)
            {
                anchors[anchor] = node;
            }
        }

        private void Attach(YNode node, int line, int column)
        {
            if (stack.Count == 0)
            {
                Root = node;
                return;
            }

            var frame = stack.Peek();
            if (frame.Node is YSeq seq)
            {
                seq.Items.Add(node);
                return;
            }

            var map = (YMap)frame.Node;
            if (frame.PendingKey is null)
            {
                if (node is not YScalar key)
                {
                    throw RegistryErrors.At(RegistryErrorKind.Syntax, path, "only plain text keys are supported, not a mapping or sequence used as a key.", line, column);
                }

                if (IsDuplicate(frame, map, key.Value))
                {
                    throw RegistryErrors.At(RegistryErrorKind.DuplicateKey, path, $"duplicate key '{key.Value}' in the same mapping.", key.Line, key.Column, key.Value);
                }

                frame.PendingKey = key;
                return;
            }

            var pendingKey = frame.PendingKey;
            if (node is YScalar { Value.Length: 0, IsPlain: true, Tag: null, Anchor: null } empty && !map.Flow)
            {
                PlaceEmptyValue(pendingKey, empty);
            }

            map.Entries.Add(new(pendingKey, node));
            frame.PendingKey = null;
        }

        // An empty plain value (`key:`) is reported at the next token; place it right after the colon instead.
        private void PlaceEmptyValue(YScalar key, YScalar value)
        {
            var i = key.End;
            while (i < text.Length && text[i] is ' ' or '\t')
            {
                i++;
            }

            if (i < text.Length && text[i] == ':')
            {
                value.Start = value.End = i + 1;
                value.Line = key.Line;
                value.Column = key.Column + (i + 1 - key.Start);
            }
            else
            {
                value.Start = value.End = -1;
            }
        }

        private static bool IsDuplicate(Frame frame, YMap map, string key)
        {
            if (frame.Keys is not null)
            {
                return !frame.Keys.Add(key);
            }

            if (map.IndexOf(key) >= 0)
            {
                return true;
            }

            if (map.Entries.Count >= 48)
            {
                frame.Keys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var entry in map.Entries)
                {
                    frame.Keys.Add(entry.Key.Value);
                }

                frame.Keys.Add(key);
            }

            return false;
        }
    }
}
