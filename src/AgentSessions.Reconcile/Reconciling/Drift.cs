using AgentSessions.Reconcile.Reconciling;

namespace AgentSessions.Reconcile;

/// <summary>One drift found by a reconcile pass.</summary>
public sealed class Drift
{
    // The pass's own drifts keep their sentence in parts (the planned drift's observation and the
    // rule's shared words) and join them when read: 20,000 drifts hold no 20,000 sentences.
    private readonly string? message;
    private readonly (PlannedDrift Planned, string? A, string? B, string? C)? parts;

    /// <summary>Initializes a new instance of the <see cref="Drift"/> class.</summary>
    /// <param name="class">The kind of drift.</param>
    /// <param name="session">The tmux session name of the row concerned.</param>
    /// <param name="message">One human sentence, as the seed script wrote it.</param>
    public Drift(DriftClass @class, string session, string message)
        : this(@class, session, new DriftKey(@class, session))
    {
        this.message = message;
    }

    /// <summary>A drift of this pass, with its key; its sentence is the observation and the words joined, made each time it is read.</summary>
    internal Drift(PlannedDrift planned, string? a, string? b = null, string? c = null)
        : this(planned.Class, planned.Session, planned.Key)
    {
        parts = (planned, a, b, c);
    }

    private Drift(DriftClass @class, string session, DriftKey key)
    {
        Class = @class;
        Session = session;
        Key = key;
    }

    /// <summary>Gets the kind of drift.</summary>
    public DriftClass Class { get; }

    /// <summary>Gets the tmux session name of the row concerned.</summary>
    public string Session { get; }

    /// <summary>Gets one human sentence that says what was found and done.</summary>
    public string Message => parts is { } p ? p.Planned.Message(p.A, p.B, p.C) : message!;

    /// <summary>Gets the registry field concerned (for example <c>claude_session_id_own</c>), when there is one.</summary>
    public string? Field { get; init; }

    /// <summary>Gets the value before the change (or the stale value), when there is one.</summary>
    public string? Before { get; init; }

    /// <summary>Gets the value after the change, when there is one.</summary>
    public string? After { get; init; }

    /// <summary>
    /// Gets a value indicating whether the change was written to the registry. <see langword="false"/>
    /// for report-only drifts, for dry runs, and when the row changed under the pass (a person's
    /// action wins).
    /// </summary>
    public bool Applied { get; init; }

    /// <summary>
    /// Gets the key that identifies this drift for coalescing (the same drift keeps the same key).
    /// By default the class and session; C and D drifts name their field too.
    /// </summary>
    public DriftKey Key { get; init; }

    /// <inheritdoc />
    public override string ToString() => Message;
}
