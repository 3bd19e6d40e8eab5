namespace AgentSessions.Reconcile;

/// <summary>
/// Identifies a drift for coalescing: the same drift found again keeps the same key. Its text form
/// (<see cref="ToString"/>) is <c>&lt;letter&gt;:&lt;row&gt;</c> (<c>A:lab-creator-claude</c>), or
/// <c>&lt;letter&gt;:&lt;row&gt;:&lt;field&gt;</c> for a class whose keys name the field (C and D).
/// </summary>
public sealed record DriftKey
{
    /// <summary>Initializes a new instance of the <see cref="DriftKey"/> class.</summary>
    /// <param name="class">The kind of drift.</param>
    /// <param name="session">The row's session name.</param>
    /// <param name="field">The registry field, for C and D drifts (a row can have several); otherwise <see langword="null"/>.</param>
    public DriftKey(DriftClass @class, string session, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        Class = @class;
        Session = session;
        Field = field;
    }

    /// <summary>Gets the kind of drift.</summary>
    public DriftClass Class { get; }

    /// <summary>Gets the row's session name.</summary>
    public string Session { get; }

    /// <summary>Gets the registry field for C and D drifts, or <see langword="null"/>.</summary>
    public string? Field { get; }

    /// <inheritdoc />
    public override string ToString() => Field is null ? $"{Class.Letter}:{Session}" : $"{Class.Letter}:{Session}:{Field}";

    /// <summary>Reads the text form; <see langword="null"/> when it is not one.</summary>
    internal static DriftKey? Parse(string text)
    {
        if (text.Length < 3 || text[1] != ':' || DriftClass.Of(text[0]) is not { } c)
        {
            return null;
        }

        var rest = text[2..];

        if (c.KeyNamesField)
        {
            var colon = rest.LastIndexOf(':');
            return colon > 0 && colon < rest.Length - 1 ? new DriftKey(c, rest[..colon], rest[(colon + 1)..]) : null;
        }

        return new DriftKey(c, rest);
    }
}
