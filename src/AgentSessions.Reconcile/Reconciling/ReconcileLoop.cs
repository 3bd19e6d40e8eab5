using System.Threading.Channels;
using AgentSessions.Reconcile.Reconciling;

namespace AgentSessions.Reconcile;

/// <summary>
/// The controller of one workspace: the one pass driver of the CLI's <c>reconcile</c> loop, the hosted
/// monitor and the MQTT trigger. It runs one pass at a time, the first at once, the next when the wait
/// the last pass returned is over (usually <see cref="DriftReport.RequeueAfter"/>) or as soon as someone
/// asks with <see cref="RequestAsync"/>; a burst of requests is one pass. A request names a trigger, not
/// state: the pass re-reads the registry and the live state. A trigger that verified an event records its
/// fact first (<see cref="RecordAsync"/>); the pass then sees it in the registry.
/// One failure policy: a pass that throws is retried after <see cref="RetryDelay"/>, doubling with each
/// failure in a row and never longer than the interval the last good pass asked for (which is kept); the
/// reason is said once (the same failure again is not repeated). A failed pass loses nothing: events
/// recorded since the last report are reported by the next good one.
/// </summary>
/// <param name="reconciler">The reconciler whose passes the loop runs.</param>
/// <param name="store">The registry store verified job events are recorded through; <see langword="null"/> when no trigger records any.</param>
/// <param name="timeProvider">The clock of the waits; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
public sealed class ReconcileLoop(IReconciler reconciler, IRegistryStore? store = null, TimeProvider? timeProvider = null)
{
    // Bounded so a flood cannot grow memory without limit; a full queue makes requesters wait.
    private const int Capacity = 1024;

    // Events kept for the next report; past this, started and progress events are not listed (terminal ones always are).
    private const int MaxUnreported = 4096;

    private readonly Channel<ReconcileRequest> _requests = Channel.CreateBounded<ReconcileRequest>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly IReconciler _reconciler = reconciler ?? throw new ArgumentNullException(nameof(reconciler));
    private readonly IRegistryStore? _store = store;
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _gate = new();

    // Verified events not yet in a report, and terminal ones whose fact could not be recorded yet.
    private List<ReconcileJobEvent> _recorded = [];
    private readonly List<(ReconcileJobEvent Event, bool DryRun)> _unrecorded = [];
    private int _running;
    private int _passesCompleted;

    /// <summary>Gets or sets the wait after the first failing pass in a row; it doubles with each further one.</summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how many passes finished, good or failed; raised once the wait for the next one is armed.</summary>
    public int PassesCompleted => Volatile.Read(ref _passesCompleted);

    /// <summary>
    /// Asks for a pass as soon as the current one (if any) has finished. Never runs a pass itself. Waits
    /// only when 1,024 requests are already queued.
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
    /// Records a verified job event, then asks for an <see cref="ReconcileTrigger.Event"/> pass. A terminal
    /// event's fact goes through the store's locked update first: the job's <c>status</c> and <c>last_seq</c>,
    /// and the row's end when no job of it still runs; a terminal event for a job already ended, or not newer
    /// than its <c>last_seq</c>, changes nothing. Only an event whose signature, time window, nonce and sequence
    /// were checked may be recorded. When the store cannot be written now, the next pass records it first.
    /// </summary>
    /// <param name="jobEvent">The verified event.</param>
    /// <param name="dryRun">Whether to compute the change only, writing nothing.</param>
    /// <param name="whenRecorded">
    /// What to do with the recorded event before the pass is asked for (kill-on-terminal), so that the
    /// pass and its report come after it; not called when the fact could not be recorded.
    /// </param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>The event as recorded: <see cref="ReconcileJobEvent.Applied"/> says whether it changed the registry (would have, in a dry run).</returns>
    /// <exception cref="InvalidOperationException">The loop was made without a store.</exception>
    public async Task<ReconcileJobEvent> RecordAsync(
        ReconcileJobEvent jobEvent, bool dryRun = false, Func<ReconcileJobEvent, CancellationToken, Task>? whenRecorded = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        if (_store is null)
        {
            throw new InvalidOperationException("This reconcile loop has no registry store to record job events through.");
        }

        ReconcileJobEvent recorded;
        try
        {
            recorded = await ApplyAsync(jobEvent, dryRun, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && (e is RegistryException or IOException or UnauthorizedAccessException))
        {
            lock (_gate)
            {
                _unrecorded.Add((jobEvent, dryRun));
            }

            await RequestAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Event }, cancellationToken).ConfigureAwait(false);
            return jobEvent;
        }

        lock (_gate)
        {
            if (_recorded.Count < MaxUnreported || recorded.TerminalStatus is not null)
            {
                _recorded.Add(recorded);
            }
        }

        if (whenRecorded is not null)
        {
            await whenRecorded(recorded, cancellationToken).ConfigureAwait(false);
        }

        await RequestAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Event }, cancellationToken).ConfigureAwait(false);
        return recorded;
    }

    /// <summary>
    /// Runs one reconcile pass for <paramref name="request"/>: first the events whose fact could not be
    /// recorded yet, then the reconciler. The report lists the events recorded since the last report
    /// (<see cref="DriftReport.Events"/>); when the pass throws, they wait for the next one.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">A token to cancel the pass.</param>
    /// <returns>The report.</returns>
    /// <exception cref="RegistryException">The registry is invalid, or its lock could not be had in time.</exception>
    public async Task<DriftReport> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        while (true)
        {
            (ReconcileJobEvent Event, bool DryRun) next;
            lock (_gate)
            {
                if (_unrecorded.Count == 0)
                {
                    break;
                }

                next = _unrecorded[0];
            }

            var recorded = await ApplyAsync(next.Event, next.DryRun, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _unrecorded.RemoveAt(0);
                _recorded.Add(recorded);
            }
        }

        int taken;
        lock (_gate)
        {
            taken = _recorded.Count;
        }

        var report = await _reconciler.ReconcileAsync(request, cancellationToken).ConfigureAwait(false);
        List<ReconcileJobEvent> events;
        lock (_gate)
        {
            events = _recorded[..taken];
            _recorded = _recorded[taken..];
        }

        return events.Count == 0 ? report : report.WithEvents(events);
    }

    /// <summary>
    /// Runs passes until <paramref name="cancellationToken"/> is cancelled or <paramref name="pass"/>
    /// returns <see langword="null"/>. The first pass runs at once with <see cref="ReconcileTrigger.Timer"/>.
    /// </summary>
    /// <param name="pass">
    /// Runs one pass for the request (usually <see cref="ReconcileAsync"/>, then what the driver does with
    /// the report) and returns the wait before the next timer pass, or <see langword="null"/> to end the
    /// loop. It is never called twice at once. When it throws, the next pass follows the failure policy.
    /// </param>
    /// <param name="onFailure">Told a failing pass's exception, once per reason (the same failure again in a row is not repeated).</param>
    /// <param name="cancellationToken">Ends the loop (the task is then cancelled).</param>
    /// <returns>A task that completes when the loop ends.</returns>
    /// <exception cref="InvalidOperationException">The loop is already running.</exception>
    public async Task RunAsync(Func<ReconcileRequest, CancellationToken, Task<TimeSpan?>> pass, Action<Exception>? onFailure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("This reconcile loop is already running.");
        }

        try
        {
            var request = new ReconcileRequest { Trigger = ReconcileTrigger.Timer };
            var interval = PollIntervals.Default;
            var failures = 0;
            string? said = null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                TimeSpan wait;
                try
                {
                    if (await pass(request, cancellationToken).ConfigureAwait(false) is not { } next)
                    {
                        Interlocked.Increment(ref _passesCompleted);
                        return;
                    }

                    (wait, interval, failures, said) = (next, next, 0, null);
                }
                catch (Exception e) when (e is not OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    // Stopped mid-pass: what the pass threw as it was stopped (a killed process, a closed socket) is the stop, not a failure to say.
                    throw new OperationCanceledException("The reconcile loop was stopped.", e, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failures++;
                    var reason = e.GetType().FullName + ": " + e.Message;
                    if (!string.Equals(reason, said, StringComparison.Ordinal))
                    {
                        said = reason;
                        onFailure?.Invoke(e);
                    }

                    wait = Backoff(RetryDelay, failures, interval);
                }

                request = await WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>The wait after <paramref name="failures"/> failing passes in a row: the delay doubled each time, within [delay, interval].</summary>
    internal static TimeSpan Backoff(TimeSpan delay, int failures, TimeSpan interval)
    {
        var cap = interval > delay ? interval : delay;
        var shift = Math.Min(failures - 1, 20);
        return TimeSpan.FromTicks(Math.Min(delay.Ticks << shift, cap.Ticks));
    }

    /// <summary>Merges requests that arrived together into one: the most urgent trigger, a dry run only when all asked for one.</summary>
    internal static ReconcileRequest Merge(IReadOnlyList<ReconcileRequest> requests)
    {
        return new ReconcileRequest { Trigger = requests.MaxBy(r => Rank(r.Trigger))!.Trigger, DryRun = requests.All(r => r.DryRun) };

        static int Rank(ReconcileTrigger t) => t switch
        {
            ReconcileTrigger.Event => 2,
            ReconcileTrigger.Manual => 1,
            _ => 0,
        };
    }

    private async Task<ReconcileJobEvent> ApplyAsync(ReconcileJobEvent jobEvent, bool dryRun, CancellationToken cancellationToken)
    {
        if (jobEvent.TerminalStatus is not { } status)
        {
            return jobEvent;
        }

        // Whole seconds, as the registry's timestamps are written.
        var utcNow = _time.GetUtcNow();
        var mutation = new JobEventMutation(jobEvent, status, utcNow.AddTicks(-(utcNow.Ticks % TimeSpan.TicksPerSecond)));
        await _store!.UpdateAsync(mutation.Apply, new RegistryUpdateOptions { DryRun = dryRun }, cancellationToken).ConfigureAwait(false);
        return new ReconcileJobEvent(jobEvent.JobId, mutation.Row ?? jobEvent.Session, jobEvent.Type, jobEvent.Sequence) { Applied = mutation.Applied };
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

        using var timer = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time);
        using var waitCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        Interlocked.Increment(ref _passesCompleted);
        try
        {
            await _requests.Reader.WaitToReadAsync(waitCancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The interval is over: a timer pass, unless a request came with it.
        }

        Drain(waiting);
        return waiting.Count > 0 ? Merge(waiting) : new ReconcileRequest { Trigger = ReconcileTrigger.Timer };
    }

    private void Drain(List<ReconcileRequest> into)
    {
        while (_requests.Reader.TryRead(out var r))
        {
            into.Add(r);
        }
    }
}
