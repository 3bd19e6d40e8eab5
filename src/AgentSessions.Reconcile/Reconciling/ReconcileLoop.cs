using System.Threading.Channels;

namespace AgentSessions.Reconcile;

/// <summary>
/// The one pass loop of a monitor (the CLI's <c>reconcile</c> loop, the hosted worker): runs one
/// pass at a time, the first at once, the next when the wait the last pass returned is over
/// (usually <see cref="DriftReport.RequeueAfter"/>) or as soon as someone asks with
/// <see cref="RequestAsync"/>. Requests that arrive while a pass runs or the loop waits are
/// coalesced: a burst of requests is one pass. A request is a trigger, not state: the pass still
/// re-reads the registry and the live state.
/// </summary>
public sealed class ReconcileLoop
{
    // Bounded so a flood cannot grow memory without limit; a full queue makes requesters wait.
    private const int Capacity = 1024;

    private readonly Channel<ReconcileRequest> _requests = Channel.CreateBounded<ReconcileRequest>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly TimeProvider _time;
    private int _running;
    private int _passesCompleted;

    /// <summary>Initializes a new instance of the <see cref="ReconcileLoop"/> class.</summary>
    /// <param name="timeProvider">The clock of the waits; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public ReconcileLoop(TimeProvider? timeProvider = null) => _time = timeProvider ?? TimeProvider.System;

    /// <summary>Gets how many passes finished; raised once the wait for the next one is armed (tests advance a fake clock after it).</summary>
    internal int PassesCompleted => Volatile.Read(ref _passesCompleted);

    /// <summary>
    /// Asks for a pass as soon as the current one (if any) has finished, for example on a verified
    /// job event (<see cref="ReconcileTrigger.Event"/>). Never runs a pass itself. Waits only when
    /// 1,024 requests are already queued.
    /// </summary>
    /// <param name="request">The request; its trigger is reported as the pass's trigger.</param>
    /// <param name="cancellationToken">A token to stop waiting for room in the queue.</param>
    /// <returns>A task that completes when the request is queued.</returns>
    public ValueTask RequestAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _requests.Writer.WriteAsync(request, cancellationToken);
    }

    /// <summary>
    /// Runs passes until <paramref name="cancellationToken"/> is cancelled or <paramref name="pass"/>
    /// returns <see langword="null"/>. The first pass runs at once with <see cref="ReconcileTrigger.Timer"/>.
    /// </summary>
    /// <param name="pass">
    /// Runs one pass for the request (coalesced from every request that arrived since the last pass,
    /// or a timer request) and returns the wait before the next timer pass (usually the report's
    /// <see cref="DriftReport.RequeueAfter"/>), or <see langword="null"/> to end the loop. It is
    /// never called twice at once. An exception it throws ends the loop.
    /// </param>
    /// <param name="cancellationToken">Ends the loop (the task is then cancelled).</param>
    /// <returns>A task that completes when the loop ends.</returns>
    /// <exception cref="InvalidOperationException">The loop is already running.</exception>
    public async Task RunAsync(Func<ReconcileRequest, CancellationToken, Task<TimeSpan?>> pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("This reconcile loop is already running.");
        }

        try
        {
            var request = new ReconcileRequest { Trigger = ReconcileTrigger.Timer };
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var next = await pass(request, cancellationToken).ConfigureAwait(false);
                if (next is not { } wait)
                {
                    Interlocked.Increment(ref _passesCompleted);
                    return;
                }

                request = await WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Merges requests that arrived together into one: the most urgent trigger, a dry run only when all asked for one.</summary>
    internal static ReconcileRequest Merge(IReadOnlyList<ReconcileRequest> requests)
    {
        var merged = new ReconcileRequest { Trigger = requests[0].Trigger, DryRun = true };
        var events = new List<ReconcileJobEvent>();
        foreach (var r in requests)
        {
            if (Rank(r.Trigger) > Rank(merged.Trigger))
            {
                merged.Trigger = r.Trigger;
            }

            merged.DryRun &= r.DryRun;

            // Facts a request carries (verified job events) are concatenated, in arrival order.
            events.AddRange(r.JobEvents);
        }

        merged.JobEvents = events;
        return merged;

        static int Rank(ReconcileTrigger t) => t switch
        {
            ReconcileTrigger.Event => 2,
            ReconcileTrigger.Manual => 1,
            _ => 0,
        };
    }

    private async Task<ReconcileRequest> WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var waiting = new List<ReconcileRequest>();
        Drain(waiting);
        if (waiting.Count > 0)
        {
            Interlocked.Increment(ref _passesCompleted);
            return Merge(waiting);
        }

        using var timerCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, timerCancel.Token);
        using var readCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var readable = _requests.Reader.WaitToReadAsync(readCancel.Token).AsTask();
        Interlocked.Increment(ref _passesCompleted);
        try
        {
            var first = await Task.WhenAny(timer, readable).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            Drain(waiting);
            if (waiting.Count > 0)
            {
                return Merge(waiting);
            }

            await first.ConfigureAwait(false);
            return new ReconcileRequest { Trigger = ReconcileTrigger.Timer };
        }
        finally
        {
            await timerCancel.CancelAsync().ConfigureAwait(false);
            await readCancel.CancelAsync().ConfigureAwait(false);
            await Quietly(timer).ConfigureAwait(false);
            await Quietly(readable).ConfigureAwait(false);
        }
    }

    private void Drain(List<ReconcileRequest> into)
    {
        while (_requests.Reader.TryRead(out var r))
        {
            into.Add(r);
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The other side won; this wait was cancelled on purpose.
        }
    }
}
