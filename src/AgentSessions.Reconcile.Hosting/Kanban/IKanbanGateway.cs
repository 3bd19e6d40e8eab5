namespace AgentSessions.Reconcile;

/// <summary>
/// Talks to one kanban card (a Hermes task): comment, heartbeat, block, and read the card's
/// comments. "Rejected" outcomes (unknown task, task not running, blocked already) are results,
/// not exceptions; only cancellation throws.
/// </summary>
public interface IKanbanGateway
{
    /// <summary>Adds a comment to the card.</summary>
    /// <param name="body">The comment text.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The outcome.</returns>
    Task<KanbanResult> CommentAsync(string body, CancellationToken cancellationToken = default);

    /// <summary>Records that the worker is alive, with a progress note, and extends its claim where it holds one.</summary>
    /// <param name="note">The progress note, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The outcome; <see cref="KanbanOutcome.Rejected"/> when the task is no longer running.</returns>
    Task<KanbanResult> HeartbeatAsync(string? note, CancellationToken cancellationToken = default);

    /// <summary>Blocks the card with a reason.</summary>
    /// <param name="reason">Why the card is blocked.</param>
    /// <param name="kind">The block kind, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The outcome; <see cref="KanbanOutcome.Rejected"/> when the task is not running or ready.</returns>
    Task<KanbanResult> BlockAsync(string reason, KanbanBlockKind? kind, CancellationToken cancellationToken = default);

    /// <summary>Reads the card's comments added after <paramref name="cursor"/>.</summary>
    /// <param name="cursor">Where the last read stopped, or <see langword="null"/> for all comments.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The new comments, oldest first, and the cursor to pass next time.</returns>
    Task<KanbanCommentPage> ReadCommentsAsync(KanbanCursor? cursor, CancellationToken cancellationToken = default);
}

/// <summary>How a kanban call ended.</summary>
public enum KanbanOutcome
{
    /// <summary>The call took effect.</summary>
    Ok,

    /// <summary>The board refused it for a reason that retrying will not change (unknown task, not running, blocked already).</summary>
    Rejected,

    /// <summary>The call failed for a reason that may pass (database locked, process failed, I/O); retry with backoff.</summary>
    Failed,
}

/// <summary>Hermes's block kinds.</summary>
public enum KanbanBlockKind
{
    /// <summary>Waiting on another task (<c>dependency</c>); the task goes back to <c>todo</c>.</summary>
    Dependency,

    /// <summary>Waiting for a person (<c>needs_input</c>); the kind a stop request uses in goal mode.</summary>
    NeedsInput,

    /// <summary>The worker lacks a capability (<c>capability</c>).</summary>
    Capability,

    /// <summary>A passing problem (<c>transient</c>).</summary>
    Transient,
}

/// <summary>The outcome of a kanban call.</summary>
/// <param name="Outcome">How the call ended.</param>
/// <param name="Reason">Why it was rejected or failed; for a call that took effect, <see langword="null"/> or a note on what it could not do (a heartbeat recorded without extending the claim, incoming lines skipped).</param>
public sealed record KanbanResult(KanbanOutcome Outcome, string? Reason = null)
{
    /// <summary>Gets a result that says the call took effect.</summary>
    public static KanbanResult Success { get; } = new(KanbanOutcome.Ok);

    /// <summary>Gets a value indicating whether the call took effect.</summary>
    public bool IsOk => Outcome == KanbanOutcome.Ok;

    /// <summary>Creates a rejected result.</summary>
    /// <param name="reason">Why the board refused the call.</param>
    /// <returns>The result.</returns>
    public static KanbanResult Rejected(string reason) => new(KanbanOutcome.Rejected, reason);

    /// <summary>Creates a failed result.</summary>
    /// <param name="reason">Why the call failed.</param>
    /// <returns>The result.</returns>
    public static KanbanResult Failed(string reason) => new(KanbanOutcome.Failed, reason);
}

/// <summary>A comment on a kanban card.</summary>
/// <param name="Author">Who wrote it (a Hermes profile or a person).</param>
/// <param name="Body">The text.</param>
/// <param name="CreatedAt">When it was written.</param>
/// <param name="IsFromSelf">Whether the gateway's own identity wrote it (the worker's own comments never count as commands).</param>
public sealed record KanbanComment(string Author, string Body, DateTimeOffset CreatedAt, bool IsFromSelf);

/// <summary>An opaque position in a card's comments, returned by <see cref="IKanbanGateway.ReadCommentsAsync"/>.</summary>
/// <param name="Value">The gateway's own encoding of the position.</param>
public sealed record KanbanCursor(string Value);

/// <summary>The comments read by one <see cref="IKanbanGateway.ReadCommentsAsync"/> call.</summary>
/// <param name="Result">How the read ended.</param>
/// <param name="Comments">The new comments, oldest first (empty unless the read succeeded).</param>
/// <param name="Cursor">The cursor to pass next time (unchanged when the read failed).</param>
public sealed record KanbanCommentPage(KanbanResult Result, IReadOnlyList<KanbanComment> Comments, KanbanCursor? Cursor);
