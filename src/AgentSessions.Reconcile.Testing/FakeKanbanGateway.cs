using System.Globalization;

namespace AgentSessions.Reconcile.Testing;

/// <summary>
/// An in-memory <see cref="IKanbanGateway"/> for tests: it records every call that took effect,
/// lets a test add comments from other authors, and can be scripted to reject or fail the next
/// calls. It follows the board's rules that matter to a worker: once blocked, the card rejects
/// heartbeats and further blocks until <see cref="Unblock"/>. All members are thread-safe.
/// </summary>
public sealed class FakeKanbanGateway : IKanbanGateway
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly List<FakeKanbanCommentCall> _comments = [];
    private readonly List<FakeKanbanHeartbeatCall> _heartbeats = [];
    private readonly List<FakeKanbanBlockCall> _blocks = [];
    private readonly List<KanbanComment> _thread = [];
    private readonly Dictionary<KanbanOperation, Queue<KanbanResult>> _scripted = [];
    private bool _isBlocked;

    /// <summary>Initializes a new instance of the <see cref="FakeKanbanGateway"/> class.</summary>
    /// <param name="selfAuthor">The author name of the gateway's own comments (the worker's profile).</param>
    /// <param name="timeProvider">The clock that stamps recorded calls, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public FakeKanbanGateway(string selfAuthor = "worker", TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(selfAuthor);
        SelfAuthor = selfAuthor;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the author name the gateway's own comments carry.</summary>
    public string SelfAuthor { get; }

    /// <summary>Gets a snapshot of the comments this gateway added, oldest first.</summary>
    public IReadOnlyList<FakeKanbanCommentCall> Comments => _gate.Read(() => _comments.ToArray());

    /// <summary>Gets a snapshot of the heartbeats this gateway recorded, oldest first.</summary>
    public IReadOnlyList<FakeKanbanHeartbeatCall> Heartbeats => _gate.Read(() => _heartbeats.ToArray());

    /// <summary>Gets a snapshot of the blocks this gateway applied, oldest first.</summary>
    public IReadOnlyList<FakeKanbanBlockCall> Blocks => _gate.Read(() => _blocks.ToArray());

    /// <summary>Gets a value indicating whether the card is blocked (a block took effect and no <see cref="Unblock"/> followed).</summary>
    public bool IsBlocked => _gate.Read(() => _isBlocked);

    /// <summary>Adds a comment from someone other than the gateway, as a person would on the card.</summary>
    /// <param name="author">Who wrote it.</param>
    /// <param name="body">The text.</param>
    /// <param name="at">When it was written, or <see langword="null"/> for the clock's now.</param>
    public void AddUserComment(string author, string body, DateTimeOffset? at = null)
    {
        ArgumentNullException.ThrowIfNull(author);
        ArgumentNullException.ThrowIfNull(body);
        _gate.Run(() => _thread.Add(new KanbanComment(author, body, at ?? _timeProvider.GetUtcNow(), string.Equals(author, SelfAuthor, StringComparison.Ordinal))));
    }

    /// <summary>Makes the next <paramref name="times"/> calls of <paramref name="operation"/> return <paramref name="result"/> without taking effect.</summary>
    /// <param name="operation">The operation to script.</param>
    /// <param name="result">The rejected or failed result to return.</param>
    /// <param name="times">How many calls return it.</param>
    /// <exception cref="ArgumentException"><paramref name="result"/> is a success.</exception>
    public void FailNext(KanbanOperation operation, KanbanResult result, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        if (result.IsOk)
        {
            throw new ArgumentException("A scripted result must be rejected or failed.", nameof(result));
        }

        lock (_gate)
        {
            if (!_scripted.TryGetValue(operation, out var queue))
            {
                _scripted[operation] = queue = new Queue<KanbanResult>();
            }

            for (var i = 0; i < times; i++)
            {
                queue.Enqueue(result);
            }
        }
    }

    /// <summary>Unblocks the card, as a person would, so heartbeats and blocks are accepted again.</summary>
    public void Unblock() => _gate.Run(() => _isBlocked = false);

    /// <inheritdoc />
    public Task<KanbanResult> CommentAsync(string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        return CallAsync(KanbanOperation.Comment, () =>
        {
            var now = _timeProvider.GetUtcNow();
            _comments.Add(new FakeKanbanCommentCall(body, now));
            _thread.Add(new KanbanComment(SelfAuthor, body, now, IsFromSelf: true));
            return KanbanResult.Success;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<KanbanResult> HeartbeatAsync(string? note, CancellationToken cancellationToken = default) =>
        CallAsync(KanbanOperation.Heartbeat, () =>
        {
            if (_isBlocked)
            {
                return KanbanResult.Rejected("task is not running (blocked)");
            }

            _heartbeats.Add(new FakeKanbanHeartbeatCall(note, _timeProvider.GetUtcNow()));
            return KanbanResult.Success;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<KanbanResult> BlockAsync(string reason, KanbanBlockKind? kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return CallAsync(KanbanOperation.Block, () =>
        {
            if (_isBlocked)
            {
                return KanbanResult.Rejected("task is blocked already");
            }

            _blocks.Add(new FakeKanbanBlockCall(reason, kind, _timeProvider.GetUtcNow()));
            _isBlocked = true;
            return KanbanResult.Success;
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>The cursor is the number of comments already read; comments from <see cref="SelfAuthor"/> carry <see cref="KanbanComment.IsFromSelf"/>.</remarks>
    public Task<KanbanCommentPage> ReadCommentsAsync(KanbanCursor? cursor, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (TakeScripted(KanbanOperation.ReadComments) is { } scripted)
            {
                return Task.FromResult(new KanbanCommentPage(scripted, [], cursor));
            }

            var seen = 0;
            if (cursor is not null
                && (!int.TryParse(cursor.Value, NumberStyles.None, CultureInfo.InvariantCulture, out seen) || seen > _thread.Count))
            {
                return Task.FromResult(new KanbanCommentPage(KanbanResult.Rejected($"unknown cursor '{cursor.Value}'"), [], cursor));
            }

            KanbanComment[] fresh = [.. _thread.Skip(seen)];
            var next = new KanbanCursor(_thread.Count.ToString(CultureInfo.InvariantCulture));
            return Task.FromResult(new KanbanCommentPage(KanbanResult.Success, fresh, next));
        }
    }

    /// <summary>Takes effect under the lock unless a scripted result is due for <paramref name="operation"/>.</summary>
    private Task<KanbanResult> CallAsync(KanbanOperation operation, Func<KanbanResult> effect, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(TakeScripted(operation) ?? effect());
        }
    }

    private KanbanResult? TakeScripted(KanbanOperation operation) =>
        _scripted.TryGetValue(operation, out var queue) && queue.TryDequeue(out var result) ? result : null;
}

/// <summary>The <see cref="IKanbanGateway"/> operations a <see cref="FakeKanbanGateway"/> can script.</summary>
public enum KanbanOperation
{
    /// <summary><see cref="IKanbanGateway.CommentAsync"/>.</summary>
    Comment,

    /// <summary><see cref="IKanbanGateway.HeartbeatAsync"/>.</summary>
    Heartbeat,

    /// <summary><see cref="IKanbanGateway.BlockAsync"/>.</summary>
    Block,

    /// <summary><see cref="IKanbanGateway.ReadCommentsAsync"/>.</summary>
    ReadComments,
}

/// <summary>A comment a <see cref="FakeKanbanGateway"/> added.</summary>
/// <param name="Body">The comment text.</param>
/// <param name="At">When it was added.</param>
public sealed record FakeKanbanCommentCall(string Body, DateTimeOffset At);

/// <summary>A heartbeat a <see cref="FakeKanbanGateway"/> recorded.</summary>
/// <param name="Note">The progress note, or <see langword="null"/>.</param>
/// <param name="At">When it was recorded.</param>
public sealed record FakeKanbanHeartbeatCall(string? Note, DateTimeOffset At);

/// <summary>A block a <see cref="FakeKanbanGateway"/> applied.</summary>
/// <param name="Reason">Why the card was blocked.</param>
/// <param name="Kind">The block kind, or <see langword="null"/>.</param>
/// <param name="At">When it was applied.</param>
public sealed record FakeKanbanBlockCall(string Reason, KanbanBlockKind? Kind, DateTimeOffset At);
