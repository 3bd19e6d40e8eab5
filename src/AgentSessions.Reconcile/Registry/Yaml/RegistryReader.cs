using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Maps registry text to typed rows straight from YamlDotNet's parser events (no node tree),
/// checking the limits as the events go by. Errors come in the order a full read would find them:
/// syntax anywhere first, then <c>version</c>, <c>workspace</c>, then the first bad row (a row's
/// name before its other fields), each with file, line, column and field.
/// </summary>
internal sealed partial class RegistryReader
{
    private readonly string path;
    private readonly SourceText text;
    private readonly RegistryYaml.CheckedParser checker;
    private readonly AliasReplay parser;
    private readonly Stack<bool> flow = new();
    private int lastEnd;

    private RegistryReader(string path, SourceText text, YamlLimits limits)
    {
        this.path = path;
        this.text = text;
        checker = new RegistryYaml.CheckedParser(path, new Parser(new Scanner(text.Reader(), skipComments: true)), limits);
        parser = new AliasReplay(checker);
    }

    private ParsingEvent Cur => parser.Current!;

    /// <summary>Reads a whole registry file.</summary>
    public static RegistrySnapshot Read(string path, string text, bool hasBom, YamlLimits limits) => Read(path, new SourceText(text), hasBom, limits);

    /// <summary>Reads a whole registry file from its bytes when they are all ASCII (after any byte order mark), without decoding them; else <see langword="null"/>.</summary>
    public static RegistrySnapshot? ReadAscii(string path, byte[] file, YamlLimits limits)
    {
        var bom = file.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var body = file.AsSpan(bom);
        return body.IndexOf((byte)0) < 0 && System.Text.Ascii.IsValid(body) ? Read(path, new SourceText(file, bom), bom > 0, limits) : null;
    }

    private static RegistrySnapshot Read(string path, SourceText text, bool hasBom, YamlLimits limits)
    {
        var reader = new RegistryReader(path, text, limits);
        try
        {
            return reader.ReadDocument(hasBom);
        }
        catch (YamlException ex)
        {
            throw RegistryYaml.Translate(path, text.ToString(), ex);
        }
    }

    /// <summary>Reads text that is a block list of session rows (spliced rows, to verify them); <see langword="null"/> when it is anything else or does not validate.</summary>
    public static (SessionRow[] Rows, RowSpan[] Spans)? ReadRows(string text, YamlLimits limits)
    {
        try
        {
            var reader = new RegistryReader("rows", new SourceText(text), limits);
            reader.Next();
            reader.Next();
            if (reader.Cur is not DocumentStart || !reader.Next() || reader.Cur is not SequenceStart { Style: not SequenceStyle.Flow })
            {
                return null;
            }

            var (rows, spans) = (new List<SessionRow>(), new List<RowSpan>());
            RegistryException? error = null;
            reader.Sessions(rows, spans, ref error);
            while (reader.Next())
            {
            }

            return error is null && !reader.checker.UsesAnchors ? ([.. rows], Utf8Offsets.Of(text, spans)) : null;
        }
        catch (Exception ex) when (ex is YamlException or RegistryException)
        {
            return null;
        }
    }

    private RegistrySnapshot ReadDocument(bool hasBom)
    {
        var (rows, spans) = (new List<SessionRow>(), new List<RowSpan>());
        var (version, workspace, hasRoot, sessionsEnd) = (1, (string?)null, false, -1);
        RegistryException? rootError = null, versionError = null, workspaceError = null, sessionsError = null;
        Next();
        Next();
        if (Cur is DocumentStart)
        {
            Next();
            if (IsNull(Cur))
            {
                Next();
            }
            else if (Cur is not MappingStart root)
            {
                rootError = Error(Cur, null, "the registry must be a mapping (version:, workspace:, sessions:), not a " + Kind(Cur) + ".");
                Skip();
            }
            else
            {
                hasRoot = true;
                Next();
                while (Cur is not MappingEnd)
                {
                    var key = ((Scalar)Cur).Value;
                    Next();
                    switch (key)
                    {
                        case "version":
                            var at = Cur;
                            if (Integer("version", null, ref versionError) is { } value && value != 1)
                            {
                                // A newer writer's file is never rewritten by an older reader: only the version this one knows.
                                versionError ??= Error(at, "version", string.Create(CultureInfo.InvariantCulture, $"schema version {value} is not supported (this tool reads version 1); the file is left as it is."));
                            }

                            break;
                        case "workspace":
                            workspace = String("workspace", null, ref workspaceError);
                            break;
                        case "sessions":
                            var block = Sessions(rows, spans, ref sessionsError);
                            sessionsEnd = !block || root.Style == MappingStyle.Flow ? -1 : Cur is Scalar next ? text.LineStart((int)next.Start.Index) : text.Length;
                            break;
                        default:
                            Skip();
                            break;
                    }
                }

                Next();
            }
        }

        while (Next())
        {
        }

        if ((rootError ?? versionError ?? workspaceError ?? sessionsError) is { } error)
        {
            throw error;
        }

        var spliceable = sessionsEnd >= 0 && !checker.UsesAnchors && spans.TrueForAll(s => s.Start >= 0);
        var newLine = text.HasCrLf ? "\r\n" : "\n";
        var offsets = new Utf8Offsets(text.Decoded);
        var byteSpans = Utf8Offsets.Of(offsets, spans);
        return new RegistrySnapshot(version, workspace, [.. rows], byteSpans, spliceable ? offsets.Of(sessionsEnd) : -1, hasRoot, checker.UsesAnchors, hasBom, newLine);
    }

    /// <summary>Reads the value of <c>sessions:</c>; returns whether it is a block list.</summary>
    private bool Sessions(List<SessionRow> rows, List<RowSpan> spans, ref RegistryException? error)
    {
        if (IsNull(Cur))
        {
            Next();
            return false;
        }

        if (Cur is not SequenceStart seq)
        {
            error ??= Error(Cur, "sessions", "must be a sequence of sessions (`- name: …` items), not a " + Kind(Cur) + ".");
            Skip();
            return false;
        }

        Next();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (Cur is not SequenceEnd)
        {
            Item(rows.Count, names, rows, spans, ref error);
        }

        Next();
        return seq.Style != SequenceStyle.Flow;
    }

    private void Item(int index, HashSet<string> names, List<SessionRow> rows, List<RowSpan> spans, ref RegistryException? error)
    {
        var field = string.Create(CultureInfo.InvariantCulture, $"sessions[{index}]");
        if (Cur is not MappingStart start)
        {
            error ??= Error(Cur, field, "each session must be a mapping with at least a name, not a " + Kind(Cur) + ".");
            Skip();
            return;
        }

        var row = Row(field, out var rowError, out var nameAt);
        if (rowError is null && !names.Add(row.Name))
        {
            rowError = Error(nameAt!, field + ".name", $"duplicate session name '{row.Name}'; names must be unique.");
        }

        error ??= rowError;
        rows.Add(row);
        spans.Add(new RowSpan(ItemLineStart((int)start.Start.Index), ContentEnd()));
    }

    /// <summary>The start of the line of the dash before a block item's content; -1 when anything but spaces is around it.</summary>
    private int ItemLineStart(int content)
    {
        var i = content - 1;
        while (i >= 0 && text[i] is ' ' or '\t' or '\r' or '\n')
        {
            i--;
        }

        if (i < 0 || text[i] != '-')
        {
            return -1;
        }

        var line = text.LineStart(i);
        return text.OnlySpaces(line, i) ? line : -1;
    }

    private int ContentEnd()
    {
        var end = Math.Min(lastEnd, text.Length);
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        return end;
    }

    /// <summary>Moves to the next event, noting where the last content ended (scalars that are not empty, flow brackets).</summary>
    private bool Next()
    {
        if (!parser.MoveNext())
        {
            return false;
        }

        switch (Cur)
        {
            case Scalar s when s.Value.Length > 0 || s.Style is not (ScalarStyle.Plain or ScalarStyle.Any):
                lastEnd = Math.Max(lastEnd, (int)s.End.Index);
                break;
            case MappingStart m:
                flow.Push(m.Style == MappingStyle.Flow);
                break;
            case SequenceStart q:
                flow.Push(q.Style == SequenceStyle.Flow);
                break;
            case MappingEnd or SequenceEnd when flow.Pop():
                var bracket = text.BracketFrom(Math.Min((int)Cur.Start.Index, text.Length));
                lastEnd = Math.Max(lastEnd, bracket < 0 ? text.Length : bracket + 1);
                break;
        }

        return true;
    }

    /// <summary>Skips the current node and everything in it.</summary>
    private void Skip()
    {
        var depth = 0;
        do
        {
            depth += Cur switch { MappingStart or SequenceStart => 1, MappingEnd or SequenceEnd => -1, _ => 0 };
            Next();
        }
        while (depth > 0);
    }

    private static bool IsPlain(Scalar s) => s.Style is ScalarStyle.Plain or ScalarStyle.Any;

    /// <summary>Gets a value indicating whether the event is a null: an untagged plain <c>~</c>, <c>null</c> or empty scalar.</summary>
    private static bool IsNull(ParsingEvent ev) => ev is Scalar s && IsPlain(s) && s.Tag.IsEmpty && YamlScalars.IsNullText(s.Value);

    private static string Kind(ParsingEvent ev) => ev switch
    {
        MappingStart => "mapping",
        SequenceStart => "sequence",
        _ when IsNull(ev) => "null",
        _ => "scalar",
    };

    private RegistryException Error(ParsingEvent at, string? field, string sentence) =>
        RegistryErrors.At(RegistryErrorKind.Schema, path, sentence, (int)at.Start.Line, (int)at.Start.Column, field);

    private static string Field(string field, string? key) => key is null ? field : field + "." + key;
}
