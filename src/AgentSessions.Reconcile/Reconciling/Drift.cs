namespace AgentSessions.Reconcile;

/// <summary>One drift found by a reconcile pass.</summary>
/// <param name="class">The kind of drift.</param>
/// <param name="session">The tmux session name of the row concerned.</param>
/// <param name="message">One human sentence, as the seed script wrote it.</param>
public sealed class Drift(DriftClass @class, string session, string message)
{
    /// <summary>Gets the kind of drift.</summary>
    public DriftClass Class { get; } = @class;

    /// <summary>Gets the tmux session name of the row concerned.</summary>
    public string Session { get; } = session;

    /// <summary>Gets one human sentence that says what was found and done.</summary>
    public string Message { get; } = message;

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
    public DriftKey Key { get; init; } = new(@class, session);

    /// <inheritdoc />
    public override string ToString() => Message;
}
