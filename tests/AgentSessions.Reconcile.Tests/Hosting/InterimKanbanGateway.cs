using System.Globalization;

namespace AgentSessions.Reconcile.Tests.Hosting;

// Interim stand-in until AgentSessions.Reconcile.Testing.FakeKanbanGateway is on main: same
// members as that fake, so switching is deleting this file and importing the Testing namespace.
internal enum KanbanOperation
{
    Comment,
    Heartbeat,
    Block,
    ReadComments,
}

internal sealed record FakeKanbanCommentCall(string Body, DateTimeOffset At);

internal sealed record FakeKanbanHeartbeatCall(string? Note, DateTimeOffset At);

internal sealed record FakeKanbanBlockCall(string Reason, KanbanBlockKind? Kind, DateTimeOffset At);

internal sealed class FakeKanbanGateway(string selfAuthor = "worker", TimeProvider? timeProvider = null) : IKanbanGateway
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly List<FakeKanbanCommentCall> _comments = [];
    private readonly List<FakeKanbanHeartbeatCall> _heartbeats = [];
    private readonly List<FakeKanbanBlockCall> _blocks = [];
    private readonly List<KanbanComment> _thread = [];
    private readonly Dictionary<KanbanOperation, Queue<KanbanResult>> _scripted = [];
    private bool _blocked;

    public string SelfAuthor { get; } = selfAuthor;

    public IReadOnlyList<FakeKanbanCommentCall> Comments { get { lock (_gate) { return [.. _comments]; } } }

    public IReadOnlyList<FakeKanbanHeartbeatCall> Heartbeats { get { lock (_gate) { return [.. _heartbeats]; } } }

    public IReadOnlyList<FakeKanbanBlockCall> Blocks { get { lock (_gate) { return [.. _blocks]; } } }

    public bool IsBlocked { get { lock (_gate) { return _blocked; } } }

    public void AddUserComment(string author, string body, DateTimeOffset? at = null)
    {
        lock (_gate)
        {
            _thread.Add(new KanbanComment(author, body, at ?? _time.GetUtcNow(), author == SelfAuthor));
        }
    }

    public void FailNext(KanbanOperation operation, KanbanResult result, int times = 1)
    {
        lock (_gate)
        {
            if (!_scripted.TryGetValue(operation, out var q))
            {
                _scripted[operation] = q = new Queue<KanbanResult>();
            }

            for (var i = 0; i < times; i++)
            {
                q.Enqueue(result);
            }
        }
    }

    public Task<KanbanResult> CommentAsync(string body, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Take(KanbanOperation.Comment) is { } r)
            {
                return Task.FromResult(r);
            }

            var now = _time.GetUtcNow();
            _comments.Add(new FakeKanbanCommentCall(body, now));
            _thread.Add(new KanbanComment(SelfAuthor, body, now, true));
            return Task.FromResult(KanbanResult.Success);
        }
    }

    public Task<KanbanResult> HeartbeatAsync(string? note, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Take(KanbanOperation.Heartbeat) is { } r)
            {
                return Task.FromResult(r);
            }

            if (_blocked)
            {
                return Task.FromResult(KanbanResult.Rejected("task is not running (blocked)"));
            }

            _heartbeats.Add(new FakeKanbanHeartbeatCall(note, _time.GetUtcNow()));
            return Task.FromResult(KanbanResult.Success);
        }
    }

    public Task<KanbanResult> BlockAsync(string reason, KanbanBlockKind? kind, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Take(KanbanOperation.Block) is { } r)
            {
                return Task.FromResult(r);
            }

            if (_blocked)
            {
                return Task.FromResult(KanbanResult.Rejected("task is blocked already"));
            }

            _blocks.Add(new FakeKanbanBlockCall(reason, kind, _time.GetUtcNow()));
            _blocked = true;
            return Task.FromResult(KanbanResult.Success);
        }
    }

    public Task<KanbanCommentPage> ReadCommentsAsync(KanbanCursor? cursor, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (Take(KanbanOperation.ReadComments) is { } r)
            {
                return Task.FromResult(new KanbanCommentPage(r, [], cursor));
            }

            var seen = cursor is null ? 0 : int.Parse(cursor.Value, CultureInfo.InvariantCulture);
            KanbanComment[] fresh = [.. _thread.Skip(seen)];
            return Task.FromResult(new KanbanCommentPage(KanbanResult.Success, fresh, new KanbanCursor(_thread.Count.ToString(CultureInfo.InvariantCulture))));
        }
    }

    private KanbanResult? Take(KanbanOperation op) =>
        _scripted.TryGetValue(op, out var q) && q.TryDequeue(out var r) ? r : null;
}
