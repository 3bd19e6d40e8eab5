using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile;

/// <summary>
/// The agent-sessions monitor. Each pass of its <see cref="ReconcileLoop"/>: read new card comments and
/// stop on a person's stop command (block, then end); run a reconcile pass; put the new drifts
/// into one bounded comment; send the heartbeat when due. A pass whose kanban call failed or whose
/// reconcile threw is a failing pass of the loop (its backoff, its reason said once); a reconcile
/// failure is also said once on the card. Only a stop, a rejected heartbeat, or cancellation end the loop.
/// </summary>
internal sealed partial class MonitorWorker(
    IKanbanGateway gateway, IOptions<MonitorOptions> options, TimeProvider time, ILogger<MonitorWorker> logger, IHostApplicationLifetime lifetime, ReconcileLoop loop)
    : BackgroundService
{
    // Drifts kept for a comment that could not be sent yet; the rest are only counted.
    private const int MaxPendingDrifts = 500;

    private readonly MonitorOptions _options = options.Value;

    private readonly List<Drift> _pending = [];
    private int _pendingOverflow;
    private readonly List<ReconcileJobEvent> _pendingEvents = [];
    private string _workspace = string.Empty;

    private DateTimeOffset? _startedAt;
    private KanbanCursor? _cursor;
    private DateTimeOffset? _stopRequestedAt;
    private DateTimeOffset _nextHeartbeatAt;
    private Exception? _reconcileError;
    private string? _callFailure; // the first kanban call of this pass that failed
    private string? _reconcileErrorKey;
    private string? _pendingErrorComment;

    /// <summary>Gets how many drifts were detected since start (each drift once).</summary>
    internal long DriftsDetected { get; private set; }

    /// <summary>Gets when the last drift was detected, or <see langword="null"/>.</summary>
    internal DateTimeOffset? LastDriftAt { get; private set; }

    /// <summary>Gets how many passes the loop finished; raised once the wait for the next one is armed.</summary>
    internal int CompletedTicks => loop.PassesCompleted;

    /// <summary>Gets the wait between passes: the last report's <see cref="DriftReport.RequeueAfter"/>.</summary>
    internal TimeSpan CurrentInterval { get; private set; } = TimeSpan.FromSeconds(30);

    /// <summary>Runs the loop until a stop, a rejected heartbeat or <paramref name="stoppingToken"/> (the hosted <see cref="MonitorService"/> calls it).</summary>
    internal Task RunAsync(CancellationToken stoppingToken) => ExecuteAsync(stoppingToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, _options.HeartbeatInterval);
        loop.RetryDelay = _options.RetryDelay;
        try
        {
            await loop.RunAsync(PassAsync, OnFailure, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
    }

    private async Task<TimeSpan?> PassAsync(ReconcileRequest request, CancellationToken stoppingToken)
    {
        var tick = await TickAsync(request, stoppingToken).ConfigureAwait(false);
        if (tick.Failure is { } failure)
        {
            // The loop's failure policy: a backoff within the interval, the reason said once.
            ExceptionDispatchInfo.Throw(failure);
        }

        if (tick.End is not MonitorEnd.None)
        {
            lifetime.StopApplication();
            return null;
        }

        return tick.NextDelay;
    }

    /// <summary>Says a failing pass's reason once (the loop calls this once per reason).</summary>
    private void OnFailure(Exception failure)
    {
        switch (failure)
        {
            case KanbanCallFailedException:
                LogRetrying(logger, failure.Message);
                break;
            case var e when ReferenceEquals(e, _reconcileError):
                LogReconcileFailed(logger, e);
                break;
            default:
                // A pass catches what it expects; anything else is a bug, and still must not end monitoring.
                LogPassThrew(logger, failure);
                break;
        }
    }

    /// <summary>Runs one timer pass and says when the next one is due, or that the loop ends.</summary>
    internal Task<MonitorTick> TickAsync(CancellationToken cancellationToken) =>
        TickAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Timer }, cancellationToken);

    /// <summary>Runs one pass for <paramref name="request"/> and says when the next one is due, or that the loop ends.</summary>
    internal async Task<MonitorTick> TickAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_startedAt is null)
        {
            // Comments older than this process (a stop that ended an earlier run) are history, not commands.
            _startedAt = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            _nextHeartbeatAt = now;
        }

        _callFailure = null;

        if (_stopRequestedAt is null)
        {
            await ReadStopRequestAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_stopRequestedAt is { } requestedAt)
        {
            var reason = MonitorText.StopReason(requestedAt);
            var block = await CallAsync("block", ct => gateway.BlockAsync(reason, KanbanBlockKind.NeedsInput, ct), cancellationToken).ConfigureAwait(false);
            if (block.Outcome == KanbanOutcome.Failed)
            {
                return Failed(new KanbanCallFailedException(_callFailure!));
            }

            if (block.Outcome == KanbanOutcome.Rejected)
            {
                LogBlockRejected(logger, block.Reason);
            }

            LogStopRequested(logger, reason);
            return new MonitorTick(MonitorEnd.StopRequested, TimeSpan.Zero);
        }

        var reconciled = await ReconcileAsync(request, cancellationToken).ConfigureAwait(false);

        if (_pendingErrorComment is { } errorComment && (await CommentAsync(errorComment, cancellationToken).ConfigureAwait(false)).Outcome != KanbanOutcome.Failed)
        {
            _pendingErrorComment = null;
        }

        if (_pending.Count > 0)
        {
            var sent = await CommentAsync(MonitorText.DriftComment(_workspace, _pending, _pendingOverflow, _options.MaxCommentChars), cancellationToken).ConfigureAwait(false);
            if (sent.Outcome == KanbanOutcome.Rejected)
            {
                LogCommentRejected(logger, sent.Reason, _pending.Count + _pendingOverflow);
            }

            if (sent.Outcome != KanbanOutcome.Failed)
            {
                _pending.Clear();
                _pendingOverflow = 0;
            }
        }

        if (_pendingEvents.Count > 0
            && (await CommentAsync(MonitorText.JobEventsComment(_pendingEvents, _options.MaxCommentChars), cancellationToken).ConfigureAwait(false)).Outcome != KanbanOutcome.Failed)
        {
            _pendingEvents.Clear();
        }

        now = time.GetUtcNow();
        if (now >= _nextHeartbeatAt)
        {
            var note = MonitorText.Heartbeat(DriftsDetected, LastDriftAt);
            var beat = await CallAsync("heartbeat", ct => gateway.HeartbeatAsync(note, ct), cancellationToken).ConfigureAwait(false);
            switch (beat.Outcome)
            {
                case KanbanOutcome.Ok:
                    _nextHeartbeatAt = now + _options.HeartbeatInterval;
                    break;
                case KanbanOutcome.Rejected:
                    LogHeartbeatRejected(logger, beat.Reason);
                    return new MonitorTick(MonitorEnd.TaskNotRunning, TimeSpan.Zero);
            }
        }

        if (!reconciled || _callFailure is not null)
        {
            return Failed(reconciled ? new KanbanCallFailedException(_callFailure!) : _reconcileError!);
        }

        var next = UntilNextPass(now, CurrentInterval);
        LogPass(logger, DriftsDetected, next);
        return new MonitorTick(MonitorEnd.None, next);
    }

    private static MonitorTick Failed(Exception failure) => new(MonitorEnd.None, TimeSpan.Zero, failure);

    private TimeSpan UntilNextPass(DateTimeOffset now, TimeSpan interval)
    {
        // A heartbeat due before the next pass pulls that pass forward, so the cadence holds at any interval.
        var untilHeartbeat = _nextHeartbeatAt - now;
        var delay = untilHeartbeat < interval ? untilHeartbeat : interval;
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    private async Task ReadStopRequestAsync(CancellationToken cancellationToken)
    {
        KanbanCommentPage? page = null;
        var result = await CallAsync(
            "read comments",
            async ct => (page = await gateway.ReadCommentsAsync(_cursor, ct).ConfigureAwait(false)).Result,
            cancellationToken).ConfigureAwait(false);
        if (result.Outcome != KanbanOutcome.Ok || page is null)
        {
            if (result.Outcome == KanbanOutcome.Rejected)
            {
                LogGatewayFailed(logger, "read comments", result.Outcome, result.Reason);
            }

            return;
        }

        _cursor = page.Cursor ?? _cursor;
        foreach (var comment in page.Comments)
        {
            if (comment.CreatedAt >= _startedAt && StopCommand.IsStopRequest(comment, _options.StopPhrases))
            {
                _stopRequestedAt = comment.CreatedAt;
                LogStopSeen(logger, comment.Author);
                break;
            }
        }
    }

    /// <summary>Runs the reconcile pass; <see langword="false"/> when it threw (<see cref="_reconcileError"/>).</summary>
    private async Task<bool> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        DriftReport report;
        try
        {
            report = await loop.ReconcileAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _reconcileError = ex;
            var key = ex.GetType().FullName + ": " + ex.Message;
            if (!string.Equals(key, _reconcileErrorKey, StringComparison.Ordinal))
            {
                _reconcileErrorKey = key;
                _pendingErrorComment = MonitorText.ReconcileFailed(ex, CurrentInterval, _options.MaxCommentChars);
            }

            return false;
        }

        _reconcileErrorKey = null;
        _workspace = report.Workspace;
        CurrentInterval = report.RequeueAfter;

        // The report holds new drifts only: the reconciler's coalescing is the one dedupe, so a
        // drift that was resolved and comes back is commented again.
        if (report.Drifts.Count > 0)
        {
            DriftsDetected += report.Drifts.Count;
            LastDriftAt = report.At;
            var kept = Math.Min(report.Drifts.Count, MaxPendingDrifts - _pending.Count);
            _pending.AddRange(report.Drifts.Take(kept));
            _pendingOverflow += report.Drifts.Count - kept;
        }

        // A verified terminal job event changed the registry: the card hears it in one line.
        _pendingEvents.AddRange(report.Events.Where(e => e.TerminalStatus is not null).Take(MaxPendingDrifts - _pendingEvents.Count));

        return true;
    }

    private Task<KanbanResult> CommentAsync(string body, CancellationToken cancellationToken) =>
        CallAsync("comment", ct => gateway.CommentAsync(body, ct), cancellationToken);

    private async Task<KanbanResult> CallAsync(string what, Func<CancellationToken, Task<KanbanResult>> call, CancellationToken cancellationToken)
    {
        KanbanResult result;
        try
        {
            result = await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The gateway promises results, not exceptions; a broken one still must not kill the loop.
            LogGatewayThrew(logger, what, ex);
            _callFailure ??= $"kanban {what} threw: {ex.Message}";
            return KanbanResult.Failed(ex.Message);
        }

        if (result.Outcome == KanbanOutcome.Failed)
        {
            LogGatewayFailed(logger, what, result.Outcome, result.Reason);
            _callFailure ??= $"kanban {what} failed: {result.Reason ?? "no reason given"}";
        }

        return result;
    }

    [LoggerMessage(1, LogLevel.Information, "Agent-sessions monitor started: heartbeat every {HeartbeatInterval}")]
    private static partial void LogStarted(ILogger logger, TimeSpan heartbeatInterval);

    [LoggerMessage(2, LogLevel.Information, "Stop requested by {Author}")]
    private static partial void LogStopSeen(ILogger logger, string author);

    [LoggerMessage(3, LogLevel.Information, "Monitoring ended: {Reason}")]
    private static partial void LogStopRequested(ILogger logger, string reason);

    [LoggerMessage(4, LogLevel.Warning, "The card refused the block ({Reason}); ending anyway")]
    private static partial void LogBlockRejected(ILogger logger, string? reason);

    [LoggerMessage(5, LogLevel.Information, "Heartbeat rejected ({Reason}): the task is no longer running; the monitor ends")]
    private static partial void LogHeartbeatRejected(ILogger logger, string? reason);

    [LoggerMessage(6, LogLevel.Warning, "The card refused a comment ({Reason}); {Count} drifts were not posted")]
    private static partial void LogCommentRejected(ILogger logger, string? reason, int count);

    [LoggerMessage(7, LogLevel.Warning, "Kanban {Call} {Outcome}: {Reason}")]
    private static partial void LogGatewayFailed(ILogger logger, string call, KanbanOutcome outcome, string? reason);

    [LoggerMessage(8, LogLevel.Warning, "Kanban {Call} threw")]
    private static partial void LogGatewayThrew(ILogger logger, string call, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "A pass had a failed kanban call ({Problem}); retrying after a backoff")]
    private static partial void LogRetrying(ILogger logger, string problem);

    [LoggerMessage(11, LogLevel.Error, "Monitor pass failed unexpectedly; retrying after a backoff")]
    private static partial void LogPassThrew(ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Debug, "Pass done: {DriftsDetected} drifts detected so far, next pass in {Delay}")]
    private static partial void LogPass(ILogger logger, long driftsDetected, TimeSpan delay);

    [LoggerMessage(10, LogLevel.Error, "Reconcile pass failed; retrying after a backoff")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);
}

/// <summary>Why the monitor loop ends, if it does.</summary>
internal enum MonitorEnd
{
    /// <summary>It goes on.</summary>
    None,

    /// <summary>A person asked it to stop; the card was blocked.</summary>
    StopRequested,

    /// <summary>A heartbeat was rejected: the task no longer runs.</summary>
    TaskNotRunning,
}

/// <summary>The outcome of one monitor pass.</summary>
internal readonly record struct MonitorTick(MonitorEnd End, TimeSpan NextDelay, Exception? Failure = null);

/// <summary>A kanban call failed (the card is unreachable or locked): the pass is a failing one.</summary>
internal sealed class KanbanCallFailedException(string message) : Exception(message);
