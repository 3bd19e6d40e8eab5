using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>The limits the parser enforces while it reads.</summary>
internal readonly record struct YamlLimits(int MaxDepth, int MaxAliasExpansions);

/// <summary>
/// A parsed registry file: its text, its root node (<see langword="null"/> when it holds no document), how it
/// was encoded, and whether it defines an anchor or uses an alias (edits then go through a full save).
/// </summary>
internal sealed record YamlText(string Text, YamlNode? Root, bool HasBom, bool UsesAnchors)
{
    public YamlNode? Root { get; set; } = Root;

    public string NewLine { get; init; } = Text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
}

/// <summary>
/// Reads registry bytes with YamlDotNet's parser and representation model, safely: UTF-8 only, no
/// NUL bytes, one document, bounded nesting and alias expansion, no duplicate or complex keys. The
/// limits are checked over the parser's events, before the representation model is built.
/// </summary>
internal static class RegistryYaml
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Gets UTF-8 that throws on bytes that are not UTF-8 (text read from a file already checked, or written by the store).</summary>
    public static UTF8Encoding Utf8 => StrictUtf8;

    public static YamlText Parse(string path, ReadOnlySpan<byte> bytes, YamlLimits limits) =>
        Parse(path, Decode(path, bytes, out var hasBom), hasBom, limits);

    public static YamlText Parse(string path, string text, bool hasBom, YamlLimits limits)
    {
        var checker = new CheckedParser(path, new Parser(new Scanner(new StringReader(text), skipComments: true)), limits);
        var stream = new YamlStream();
        try
        {
            stream.Load(checker);
        }
        catch (YamlException ex)
        {
            throw Translate(path, text, ex);
        }

        return new YamlText(text, stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode, hasBom, checker.UsesAnchors);
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

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
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
            var (line, column) = ByteLocation(bytes, index);
            var bad = index < bytes.Length ? bytes[index] : (byte)0;
            throw RegistryErrors.At(RegistryErrorKind.Syntax, path, string.Create(CultureInfo.InvariantCulture, $"registry is not valid UTF-8 (byte 0x{bad:X2}); it may be a binary file or use another encoding."), line, column, inner: ex);
        }
    }

    internal static RegistryException Translate(string path, string text, YamlException ex)
    {
        var line = (int)Math.Max(1, ex.Start.Line);
        var column = (int)Math.Max(1, ex.Start.Column);
        if (ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindTabIndentation(text, Math.Max(1, line - 1)) is { } tab)
        {
            return RegistryErrors.At(RegistryErrorKind.Syntax, path, "a tab is used for indentation; YAML indents with spaces only.", tab.Line, tab.Column, inner: ex);
        }

        var reason = ex.Message;
        var cut = reason.IndexOf(" - ", StringComparison.Ordinal);
        if (reason.StartsWith('(') && cut > 0)
        {
            reason = reason[(cut + 3)..];
        }

        return RegistryErrors.At(RegistryErrorKind.Syntax, path, $"not valid YAML: {reason.TrimEnd('.')}.", line, column, inner: ex);
    }

    private static (int Line, int Column)? FindTabIndentation(string text, int fromLine)
    {
        var lines = text.Split('\n');
        for (var i = fromLine - 1; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    private static (int Line, int Column) ByteLocation(ReadOnlySpan<byte> bytes, int index)
    {
        var before = bytes[..Math.Min(index, bytes.Length)];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return (before.Count((byte)'\n') + 1, index - lineStart + 1);
    }

    /// <summary>Passes the parser's events through, enforcing the registry's limits as they go by.</summary>
    internal sealed class CheckedParser(string path, IParser inner, YamlLimits limits) : IParser
    {
        private readonly Stack<Frame> frames = new();
        private readonly List<string> keys = [];
        private readonly Dictionary<string, int> anchorSizes = new(StringComparer.Ordinal);
        private int nodes;
        private int expanded;
        private int documents;

        public bool UsesAnchors { get; private set; }

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            var ev = inner.Current!;
            var (line, column) = ((int)ev.Start.Line, (int)ev.Start.Column);
            switch (ev)
            {
                case DocumentStart when ++documents > 1:
                    throw RegistryErrors.At(RegistryErrorKind.Syntax, path, "registry must hold a single YAML document, found a second one.", line, column);
                case MappingEnd or SequenceEnd:
                    var done = frames.Pop();
                    keys.RemoveRange(done.KeyStart, keys.Count - done.KeyStart);
                    if (done.Anchor is not null)
                    {
                        anchorSizes[done.Anchor] = nodes - done.NodesBefore;
                    }

                    ValueDone();
                    break;
                case NodeEvent or AnchorAlias:
                    Node(ev, line, column);
                    break;
            }

            return true;
        }

        private void Node(ParsingEvent node, int line, int column)
        {
            if (frames.TryPeek(out var parent) && parent.IsMap && parent.ExpectKey)
            {
                if (node is not Scalar key)
                {
                    throw RegistryErrors.At(RegistryErrorKind.Syntax, path, "only plain text keys are supported, not a mapping, sequence or alias used as a key.", line, column);
                }

                if (IsDuplicate(parent, key.Value))
                {
                    throw RegistryErrors.At(RegistryErrorKind.DuplicateKey, path, $"duplicate key '{key.Value}' in the same mapping.", line, column, key.Value);
                }
            }

            var anchor = node is NodeEvent { Anchor.IsEmpty: false } withAnchor ? withAnchor.Anchor.Value : null;
            UsesAnchors |= anchor is not null || node is AnchorAlias;
            switch (node)
            {
                case AnchorAlias alias:
                    if (!anchorSizes.TryGetValue(alias.Value.Value, out var size))
                    {
                        throw RegistryErrors.At(RegistryErrorKind.Syntax, path, $"alias *{alias.Value.Value} refers to no anchor defined before it.", line, column);
                    }

                    nodes += size;
                    expanded += size;
                    if (expanded > limits.MaxAliasExpansions)
                    {
                        throw RegistryErrors.At(RegistryErrorKind.TooLarge, path, string.Create(CultureInfo.InvariantCulture, $"aliases expand to more than {limits.MaxAliasExpansions} nodes (an alias bomb?)."), line, column);
                    }

                    ValueDone();
                    break;
                case Scalar:
                    nodes++;
                    if (anchor is not null)
                    {
                        anchorSizes[anchor] = 1;
                    }

                    ValueDone();
                    break;
                default:
                    if (frames.Count + 1 > limits.MaxDepth)
                    {
                        throw RegistryErrors.At(RegistryErrorKind.TooLarge, path, string.Create(CultureInfo.InvariantCulture, $"nesting is deeper than the {limits.MaxDepth}-level limit."), line, column);
                    }

                    frames.Push(new Frame(node is MappingStart, anchor, nodes++, keys.Count));
                    break;
            }
        }

        /// <summary>Records a mapping's key; <see langword="true"/> when the mapping has it already (keys of small mappings are compared one by one).</summary>
        private bool IsDuplicate(Frame frame, string key)
        {
            if (frame.Keys is null && keys.Count - frame.KeyStart >= 32)
            {
                frame.Keys = new HashSet<string>(keys.GetRange(frame.KeyStart, keys.Count - frame.KeyStart), StringComparer.Ordinal);
            }

            var seen = frame.Keys is { } set ? !set.Add(key) : keys.IndexOf(key, frame.KeyStart) >= 0;
            keys.Add(key);
            return seen;
        }

        /// <summary>A node ended: the mapping holding it now expects a key if it was a value, a value if it was a key.</summary>
        private void ValueDone()
        {
            if (frames.TryPeek(out var frame) && frame.IsMap)
            {
                frame.ExpectKey = !frame.ExpectKey;
            }
        }

        private sealed class Frame(bool isMap, string? anchor, int nodesBefore, int keyStart)
        {
            /// <summary>Gets where this mapping's keys start in the list of keys of the open mappings.</summary>
            public int KeyStart { get; } = keyStart;

            public bool IsMap { get; } = isMap;

            public string? Anchor { get; } = anchor;

            public int NodesBefore { get; } = nodesBefore;

            public bool ExpectKey { get; set; } = true;

            public HashSet<string>? Keys { get; set; }
        }
    }
}
