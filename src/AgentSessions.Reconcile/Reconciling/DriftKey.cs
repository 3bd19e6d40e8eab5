namespace AgentSessions.Reconcile;

/// <summary>
/// Identifies a drift for coalescing: the same drift found again keeps the same key. Its text form
/// (<see cref="ToString"/>) is <c>A:&lt;row&gt;</c>, <c>B:&lt;row&gt;</c>, <c>E:&lt;row&gt;</c>, or
/// <c>C:&lt;row&gt;:&lt;field&gt;</c> and <c>D:&lt;row&gt;:&lt;field&gt;</c>.
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

    /// <summary>Gets the one-letter code of a drift class (<c>A</c> to <c>E</c>).</summary>
    /// <param name="class">The drift class.</param>
    /// <returns>The letter.</returns>
    public static char Letter(DriftClass @class) => @class switch
    {
        DriftClass.TmuxGone => 'A',
        DriftClass.Unregistered => 'B',
        DriftClass.IdMaterialized => 'C',
        DriftClass.StaleId => 'D',
        DriftClass.EndStateAlive => 'E',
        DriftClass.NeedsAttention => 'F',
        _ => '?',
    };

    /// <inheritdoc />
    public override string ToString() => Field is null ? $"{Letter(Class)}:{Session}" : $"{Letter(Class)}:{Session}:{Field}";

    /// <summary>Reads the text form; <see langword="null"/> when it is not one.</summary>
    internal static DriftKey? Parse(string text)
    {
        if (text.Length < 3 || text[1] != ':')
        {
            return null;
        }

        DriftClass? @class = text[0] switch
        {
            'A' => DriftClass.TmuxGone,
            'B' => DriftClass.Unregistered,
            'C' => DriftClass.IdMaterialized,
            'D' => DriftClass.StaleId,
            'E' => DriftClass.EndStateAlive,
            'F' => DriftClass.NeedsAttention,
            _ => null,
        };
        var rest = text[2..];
        if (@class is not { } c)
        {
            return null;
        }

        if (c is DriftClass.IdMaterialized or DriftClass.StaleId)
        {
            var colon = rest.LastIndexOf(':');
            return colon > 0 && colon < rest.Length - 1 ? new DriftKey(c, rest[..colon], rest[(colon + 1)..]) : null;
        }

        return new DriftKey(c, rest);
    }
}
