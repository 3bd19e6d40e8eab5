using YamlDotNet.Core;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// A node of the registry's YAML document with the span it came from (character offsets into
/// the source text). Nodes built by the writer have no span (<see cref="HasSpan"/> is false).
/// </summary>
internal abstract class YNode
{
    /// <summary>Gets or sets the offset of the node's first character (anchor and tag included), or -1.</summary>
    public int Start { get; set; } = -1;

    /// <summary>Gets or sets the offset just after the node's last content character, or -1.</summary>
    public int End { get; set; } = -1;

    /// <summary>Gets or sets the 1-based line of <see cref="Start"/>.</summary>
    public int Line { get; set; }

    /// <summary>Gets or sets the 1-based column of <see cref="Start"/>.</summary>
    public int Column { get; set; }

    /// <summary>Gets or sets the explicit tag, or <see langword="null"/>.</summary>
    public string? Tag { get; set; }

    /// <summary>Gets or sets the anchor, or <see langword="null"/>.</summary>
    public string? Anchor { get; set; }

    /// <summary>Gets or sets a value indicating whether this node was materialized through an alias (its span is the anchor's).</summary>
    public bool ViaAlias { get; set; }

    public bool HasSpan => Start >= 0 && !ViaAlias;

    public abstract YNode CloneForAlias(ref int budget);
}

internal sealed class YScalar : YNode
{
    public YScalar(string value, ScalarStyle style)
    {
        Value = value;
        Style = style;
    }

    public string Value { get; }

    public ScalarStyle Style { get; }

    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any;

    /// <summary>Gets a value indicating whether this scalar means null (an untagged plain <c>~</c>, <c>null</c> or empty).</summary>
    public bool IsNull => Tag is null && IsPlain && YamlScalars.IsNullText(Value);

    public static YScalar Null() => new("null", ScalarStyle.Plain);

    public override YNode CloneForAlias(ref int budget)
    {
        budget--;
        return new YScalar(Value, Style) { Start = Start, End = End, Line = Line, Column = Column, Tag = Tag, ViaAlias = true };
    }
}

internal sealed class YMap : YNode
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = [];

    /// <summary>Gets or sets the parsed map this one was derived from, when it is a changed copy of it.</summary>
    public YMap? Origin { get; set; }

    public bool Flow { get; set; }

    public YNode? Get(string key)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Key.Value, key, StringComparison.Ordinal))
            {
                return entry.Value;
            }
        }

        return null;
    }

    public int IndexOf(string key)
    {
        for (var i = 0; i < Entries.Count; i++)
        {
            if (string.Equals(Entries[i].Key.Value, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    public override YNode CloneForAlias(ref int budget)
    {
        budget--;
        var clone = new YMap { Start = Start, End = End, Line = Line, Column = Column, Tag = Tag, ViaAlias = true, Flow = Flow };
        foreach (var entry in Entries)
        {
            var key = (YScalar)entry.Key.CloneForAlias(ref budget);
            clone.Entries.Add(new(key, entry.Value.CloneForAlias(ref budget)));
            if (budget < 0)
            {
                break;
            }
        }

        return clone;
    }
}

internal sealed class YSeq : YNode
{
    public List<YNode> Items { get; } = [];

    /// <summary>Gets or sets the parsed sequence this one was derived from, when it is a changed copy of it.</summary>
    public YSeq? Origin { get; set; }

    public bool Flow { get; set; }

    public override YNode CloneForAlias(ref int budget)
    {
        budget--;
        var clone = new YSeq { Start = Start, End = End, Line = Line, Column = Column, Tag = Tag, ViaAlias = true, Flow = Flow };
        foreach (var item in Items)
        {
            clone.Items.Add(item.CloneForAlias(ref budget));
            if (budget < 0)
            {
                break;
            }
        }

        return clone;
    }
}

/// <summary>A parsed registry file: its text, its root (null for an empty document) and its line ending.</summary>
internal sealed class YDocument
{
    public YDocument(string text, YNode? root, bool hasBom)
    {
        Text = text;
        Root = root;
        HasBom = hasBom;
        NewLine = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
    }

    public string Text { get; }

    public YNode? Root { get; }

    public bool HasBom { get; }

    public string NewLine { get; }
}
