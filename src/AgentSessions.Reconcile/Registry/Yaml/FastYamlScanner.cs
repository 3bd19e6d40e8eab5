using YamlDotNet.Core;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// A direct scanner for the subset of YAML registries are written in: block mappings with plain
/// keys, block sequences, one-line plain and quoted scalars, one-line flow collections, comments
/// and blank lines, LF or CRLF. It feeds the same <see cref="RegistryYamlParser.TreeBuilder"/> as
/// YamlDotNet's parser, with the same spans. On anything outside the subset — anchors, aliases,
/// tags, block scalars, multi-line scalars, escapes, tabs, directives, document markers, explicit
/// keys, and every error — it gives up (<see cref="Result.Parsed"/> is false) and the caller parses
/// with YamlDotNet, so behaviour and messages stay exactly YamlDotNet's. Differential tests check
/// that both produce identical trees.
/// </summary>
internal static class FastYamlScanner
{
    /// <summary>The outcome: <see cref="Parsed"/> false means "use the full parser".</summary>
    internal readonly record struct Result(bool Parsed, YNode? Root);

    public static Result TryParse(string path, string text, YamlLimits limits)
    {
        if (text.Length == 0 || !Admissible(text))
        {
            return default;
        }

        var scanner = new Scanner(text, new RegistryYamlParser.TreeBuilder(path, text, limits), limits.MaxDepth);
        try
        {
            return scanner.Run() ? new Result(true, scanner.Root) : default;
        }
        catch (RegistryException)
        {
            // Duplicate keys, depth: let the full parser report them, with its exact positions.
            return default;
        }
    }

    /// <summary>Rejects characters and constructs the scanner does not handle (tabs, lone CR, control and special characters, directives, document markers).</summary>
    private static bool Admissible(string text)
    {
        var lineStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (lineStart)
            {
                lineStart = false;
                if (c is '%' || ((c is '-' or '.') && i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c))
                {
                    return false;
                }
            }

            if (c >= ' ' && c <= '~')
            {
                continue;
            }

            switch (c)
            {
                case '\n':
                    lineStart = true;
                    continue;
                case '\r':
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        continue;
                    }

                    return false;
            }

            if (c < '\u00A0' || c is '\u2028' or '\u2029' or '\uFEFF' || (c >= '\uD800' && c <= '\uDFFF') || c > '\uFFFD')
            {
                return false;
            }
        }

        return true;
    }

    private sealed class Scanner(string text, RegistryYamlParser.TreeBuilder builder, int maxDepth)
    {
        private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);
        private int pos;
        private int line = 1;
        private int lineStart;

        public YNode? Root => builder.Root;

        private int Column => pos - lineStart + 1;

        private int Indent => pos - lineStart;

        private bool AtEnd => pos >= text.Length;

        public bool Run()
        {
            if (!NextContentLine() || Indent != 0)
            {
                return false; // empty or indented root: rare, the full parser handles it
            }

            var ok = IsDash(pos) ? BlockSequence(0) : BlockMapping(0);
            return ok && AtEnd;
        }

        /// <summary>From anywhere on a line, skips the rest of it, then blank and comment-only lines; stops at the next content character.</summary>
        private bool NextContentLine()
        {
            // Skip to the end of the current line when not at a line start.
            if (pos != lineStart)
            {
                var nl = text.IndexOf('\n', pos);
                if (nl < 0)
                {
                    pos = text.Length;
                    return false;
                }

                pos = nl + 1;
                line++;
                lineStart = pos;
            }

            while (pos < text.Length)
            {
                var i = pos;
                while (i < text.Length && text[i] == ' ')
                {
                    i++;
                }

                if (i < text.Length && text[i] is not ('#' or '\n' or '\r'))
                {
                    pos = i;
                    return true;
                }

                var nl = text.IndexOf('\n', i);
                if (nl < 0)
                {
                    pos = text.Length;
                    return false;
                }

                pos = nl + 1;
                line++;
                lineStart = pos;
            }

            return false;
        }

        /// <summary>Gets the text of a span, sharing one string for short texts that repeat (keys, words like running or null).</summary>
        private string Slice(int start, int end)
        {
            var span = text.AsSpan(start, end - start);
            if (span.Length > 24)
            {
                return span.ToString();
            }

            var lookup = strings.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(span, out var shared))
            {
                return shared;
            }

            var value = span.ToString();
            if (strings.Count < 4096)
            {
                strings[value] = value;
            }

            return value;
        }

        private bool IsEol(int i) => i >= text.Length || text[i] is '\n' or '\r';

        private bool IsDash(int i) => text[i] == '-' && (i + 1 >= text.Length || text[i + 1] is ' ' or '\n' or '\r');

        /// <summary>After a value: only spaces, then a comment or the end of the line.</summary>
        private bool RestOfLineEmpty()
        {
            var start = pos;
            while (pos < text.Length && text[pos] == ' ')
            {
                pos++;
            }

            return IsEol(pos) || (text[pos] == '#' && pos > start);
        }

        private bool BlockMapping(int indent)
        {
            if (builder.Depth + 1 > maxDepth)
            {
                return false;
            }

            builder.StartCollection(isMap: true, flow: false, null, null, pos, pos, line, Column);
            while (true)
            {
                if (!Key() || !BlockValue(indent))
                {
                    return false;
                }

                if (AtEnd || Indent < indent)
                {
                    break;
                }

                if (Indent > indent)
                {
                    return false;
                }
            }

            builder.EndCollection(pos);
            return true;
        }

        private bool BlockSequence(int indent)
        {
            if (builder.Depth + 1 > maxDepth)
            {
                return false;
            }

            builder.StartCollection(isMap: false, flow: false, null, null, pos, pos, line, Column);
            while (true)
            {
                // At "- ".
                pos++;
                while (pos < text.Length && text[pos] == ' ')
                {
                    pos++;
                }

                if (IsEol(pos) || text[pos] == '#' || IsDash(pos))
                {
                    return false; // item on the next line, empty item, or a nested compact sequence
                }

                if (LooksLikeKey())
                {
                    if (!BlockMapping(Indent))
                    {
                        return false;
                    }
                }
                else if (!InlineValue() || !RestOfLineEmpty() || (NextContentLine() && Indent > indent))
                {
                    return false;
                }

                if (AtEnd || Indent < indent)
                {
                    break;
                }

                if (Indent > indent)
                {
                    return false;
                }

                if (!IsDash(pos))
                {
                    break; // the parent mapping's next key (a sequence at its key's indentation)
                }
            }

            builder.EndCollection(pos);
            return true;
        }

        /// <summary>Gets a value indicating whether a plain <c>key:</c> starts at <see cref="pos"/> on this line.</summary>
        private bool LooksLikeKey()
        {
            if (IsIndicator(text[pos]))
            {
                return false;
            }

            for (var i = pos; !IsEol(i); i++)
            {
                var c = text[i];
                if (c == ':' && (IsEol(i + 1) || text[i + 1] == ' '))
                {
                    return true;
                }

                if (c == '#' && text[i - 1] == ' ')
                {
                    return false;
                }
            }

            return false;
        }

        /// <summary>Reads a plain block key and its colon.</summary>
        private bool Key()
        {
            var start = pos;
            if (IsIndicator(text[pos]))
            {
                return false;
            }

            var i = pos;
            while (true)
            {
                if (IsEol(i) || i - start > 1000)
                {
                    return false;
                }

                var c = text[i];
                if (c == ':' && (IsEol(i + 1) || text[i + 1] == ' '))
                {
                    break;
                }

                if (c is ',' or '[' or ']' or '{' or '}' || (c is '#' or '*' or '&' or '!' && text[i - 1] == ' '))
                {
                    return false;
                }

                i++;
            }

            var end = i;
            while (text[end - 1] == ' ')
            {
                end--;
            }

            builder.Scalar(Slice(start, end), ScalarStyle.Plain, null, null, start, end, line, Column);
            pos = i + 1;
            return true;
        }

        /// <summary>Reads the value after a block key's colon, then moves to the next content line.</summary>
        private bool BlockValue(int indent)
        {
            while (pos < text.Length && text[pos] == ' ')
            {
                pos++;
            }

            if (IsEol(pos) || text[pos] == '#')
            {
                // The value is on the following lines, or empty.
                var keyLine = line;
                var more = NextContentLine();
                if (more && Indent > indent)
                {
                    return IsDash(pos) ? BlockSequence(Indent) : BlockMapping(Indent);
                }

                if (more && Indent == indent && IsDash(pos))
                {
                    return BlockSequence(indent);
                }

                // Empty value; the builder places it right after the colon.
                builder.Scalar(string.Empty, ScalarStyle.Plain, null, null, pos, pos, keyLine, 1);
                return true;
            }

            if (!InlineValue() || !RestOfLineEmpty())
            {
                return false;
            }

            return !NextContentLine() || Indent <= indent;
        }

        /// <summary>Reads a one-line scalar or flow collection at <see cref="pos"/>.</summary>
        private bool InlineValue()
        {
            var c = text[pos];
            switch (c)
            {
                case '"' or '\'':
                    return Quoted();
                case '{' or '[':
                    return Flow();
            }

            if (IsIndicator(c))
            {
                return false;
            }

            var start = pos;
            var i = pos;
            while (!IsEol(i))
            {
                var ch = text[i];
                if (ch == ':' && (IsEol(i + 1) || text[i + 1] == ' '))
                {
                    return false; // "a: b: c" or a trailing colon
                }

                if (ch == '#' && text[i - 1] == ' ')
                {
                    break;
                }

                if (ch is ',' or '[' or ']' or '{' or '}' || (ch is '*' or '&' or '!' && text[i - 1] == ' '))
                {
                    return false;
                }

                i++;
            }

            var end = i;
            while (text[end - 1] == ' ')
            {
                end--;
            }

            builder.Scalar(Slice(start, end), ScalarStyle.Plain, null, null, start, end, line, Column);
            pos = end;
            return true;
        }

        /// <summary>Reads a one-line quoted scalar without escapes (double) or with doubled quotes (single).</summary>
        private bool Quoted()
        {
            var quote = text[pos];
            var start = pos;
            var i = pos + 1;
            var doubled = false;
            while (true)
            {
                if (IsEol(i))
                {
                    return false;
                }

                var c = text[i];
                if (c == quote)
                {
                    if (quote == '\'' && i + 1 < text.Length && text[i + 1] == '\'')
                    {
                        doubled = true;
                        i += 2;
                        continue;
                    }

                    break;
                }

                if (c == '\\' && quote == '"')
                {
                    return false;
                }

                i++;
            }

            var value = text[(start + 1)..i];
            if (doubled)
            {
                value = value.Replace("''", "'", StringComparison.Ordinal);
            }

            builder.Scalar(value, quote == '"' ? ScalarStyle.DoubleQuoted : ScalarStyle.SingleQuoted, null, null, start, i + 1, line, Column);
            pos = i + 1;
            return true;
        }

        private void SkipSpaces()
        {
            while (pos < text.Length && text[pos] == ' ')
            {
                pos++;
            }
        }

        /// <summary>Reads a one-line flow mapping or sequence with scalar or flow values.</summary>
        private bool Flow()
        {
            if (builder.Depth + 1 > maxDepth)
            {
                return false;
            }

            var isMap = text[pos] == '{';
            var close = isMap ? '}' : ']';
            builder.StartCollection(isMap, flow: true, null, null, pos, pos + 1, line, Column);
            pos++;
            SkipSpaces();
            if (IsEol(pos))
            {
                return false;
            }

            if (text[pos] == close)
            {
                builder.EndCollection(pos);
                pos++;
                return true;
            }

            while (true)
            {
                if (isMap)
                {
                    if (!FlowScalar(key: true))
                    {
                        return false;
                    }

                    SkipSpaces();
                    if (IsEol(pos) || text[pos] != ':' || IsEol(pos + 1) || text[pos + 1] != ' ')
                    {
                        return false;
                    }

                    pos++;
                    SkipSpaces();
                }

                if (IsEol(pos))
                {
                    return false;
                }

                if (text[pos] is '{' or '[' ? !Flow() : !FlowScalar(key: false))
                {
                    return false;
                }

                SkipSpaces();
                if (IsEol(pos))
                {
                    return false;
                }

                if (text[pos] == ',')
                {
                    pos++;
                    SkipSpaces();
                    if (IsEol(pos) || text[pos] is '}' or ']')
                    {
                        return false;
                    }

                    continue;
                }

                if (text[pos] != close)
                {
                    return false;
                }

                builder.EndCollection(pos);
                pos++;
                return true;
            }
        }

        /// <summary>Reads a plain or quoted scalar inside a flow collection; plain ones may not hold a colon.</summary>
        private bool FlowScalar(bool key)
        {
            var c = text[pos];
            if (c is '"' or '\'')
            {
                return !key && Quoted();
            }

            if (IsIndicator(c) || (c == '-' && !char.IsAsciiLetterOrDigit(text[pos + 1])))
            {
                return false;
            }

            var start = pos;
            var i = pos;
            while (!IsEol(i))
            {
                var ch = text[i];
                if (ch is ',' or '[' or ']' or '{' or '}' or ':')
                {
                    break;
                }

                if (ch is '#' or '*' or '&' or '!' && text[i - 1] == ' ')
                {
                    return false;
                }

                i++;
            }

            if (!IsEol(i) && text[i] == ':' && !key)
            {
                return false;
            }

            var end = i;
            while (end > start && text[end - 1] == ' ')
            {
                end--;
            }

            if (end == start)
            {
                return false;
            }

            builder.Scalar(Slice(start, end), ScalarStyle.Plain, null, null, start, end, line, Column);
            pos = end;
            return true;
        }

        /// <summary>Characters that may not start a plain scalar in the subset (YAML indicators; '-' only before a space).</summary>
        private bool IsIndicator(char c) =>
            c is '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`'
            || (c == '-' && IsDash(pos));
    }
}
