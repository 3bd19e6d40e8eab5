using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace AgentSessions.Reconcile.Tests.Hosting;

/// <summary>A reconciler that returns scripted reports (or throws scripted errors) and records when it was called.</summary>
internal sealed class ScriptedReconciler(TimeProvider time) : IReconciler
{
    private readonly ConcurrentQueue<Func<DateTimeOffset, DriftReport>> _script = new();

    public ConcurrentQueue<DateTimeOffset> Calls { get; } = new();

    /// <summary>Gets or sets the running count of the reports returned when nothing is scripted.</summary>
    public int RunningCount { get; set; }

    public void Next(params Drift[] drifts) => _script.Enqueue(at => Report(at, drifts));

    public void NextRunning(int running, params Drift[] drifts) =>
        _script.Enqueue(at => new DriftReport("lab", at, false, drifts) { RunningCount = running, SessionCount = running, RequeueAfter = TimeSpan.FromSeconds(running >= 5 ? 60 : 30) });

    public void NextThrows(Exception error) => _script.Enqueue(_ => throw error);

    public void NextRequeue(TimeSpan requeueAfter) =>
        _script.Enqueue(at => new DriftReport("lab", at, false, []) { RequeueAfter = requeueAfter });

    public List<ReconcileRequest> Requests { get; } = [];

    public void NextRaw(Func<DateTimeOffset, DriftReport> report) => _script.Enqueue(report);

    public Task<DriftReport> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
    {
        var at = time.GetUtcNow();
        Calls.Enqueue(at);
        lock (Requests)
        {
            Requests.Add(new ReconcileRequest { Trigger = request.Trigger, DryRun = request.DryRun });
        }

        var step = _script.TryDequeue(out var s) ? s : (a => Report(a, []));
        return Task.FromResult(step(at));
    }

    private DriftReport Report(DateTimeOffset at, Drift[] drifts) =>
        new("lab", at, false, drifts) { RunningCount = RunningCount, SessionCount = RunningCount, RequeueAfter = TimeSpan.FromSeconds(RunningCount >= 5 ? 60 : 30) };
}

/// <summary>Records whether the worker asked the host to stop.</summary>
internal sealed class TestLifetime : IHostApplicationLifetime
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken ApplicationStarted => CancellationToken.None;

    public CancellationToken ApplicationStopping => _stopping.Token;

    public CancellationToken ApplicationStopped => CancellationToken.None;

    public bool StopRequested => _stopping.IsCancellationRequested;

    public void StopApplication() => _stopping.Cancel();
}

/// <summary>A gateway that throws on every call while <see cref="Throwing"/> is set, else forwards.</summary>
internal sealed class ThrowingGateway(IKanbanGateway inner) : IKanbanGateway
{
    public bool Throwing { get; set; } = true;

    public Task<KanbanResult> CommentAsync(string body, CancellationToken cancellationToken = default) =>
        Throwing ? throw new IOException("disk gone") : inner.CommentAsync(body, cancellationToken);

    public Task<KanbanResult> HeartbeatAsync(string? note, CancellationToken cancellationToken = default) =>
        Throwing ? throw new IOException("disk gone") : inner.HeartbeatAsync(note, cancellationToken);

    public Task<KanbanResult> BlockAsync(string reason, KanbanBlockKind? kind, CancellationToken cancellationToken = default) =>
        Throwing ? throw new IOException("disk gone") : inner.BlockAsync(reason, kind, cancellationToken);

    public Task<KanbanCommentPage> ReadCommentsAsync(KanbanCursor? cursor, CancellationToken cancellationToken = default) =>
        Throwing ? throw new IOException("disk gone") : inner.ReadCommentsAsync(cursor, cancellationToken);
}

internal static class Poll
{
    /// <summary>Waits until <paramref name="condition"/> holds, yielding between checks; fails after a bound.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (bound.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            await Task.Yield();
            await Task.Delay(1);
        }
    }
}
