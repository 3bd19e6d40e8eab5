using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Push monitoring: subscribes to <c>{prefix}/jobs/+/events</c>, verifies each event, records it through
/// the <see cref="ReconcileLoop"/> (a terminal event's fact in the registry first, under the store's lock)
/// and asks for a pass; a burst is one pass reporting them all. Passes also run every <see cref="MqttTriggerOptions.PollInterval"/> while the
/// broker is connected, and every <see cref="MqttTriggerOptions.FallbackPollInterval"/> while it is not
/// (reconnecting in the background). One pass at a time.
/// </summary>
public sealed partial class MqttPushMonitor : IDisposable
{
    private readonly IRegistryStore _store;
    private readonly MqttTriggerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MqttMetrics _metrics;
    private readonly JobEventVerifier _verifier;
    private readonly JobDirectory _jobs;
    private readonly TmuxClient? _tmux;
    private readonly Lock _gate = new();
    private readonly Wake _wake;
    private readonly ConcurrentDictionary<(string JobId, long Sequence), long> _receivedAt = new();
    private readonly ReconcileLoop _loop;
    private readonly bool _ownsPasses;
    private bool _dryRun;
    private BrokerState _state = new(false, null, false);
    private bool _stateChanged;
    private long _lastMessageAt;
    private int _recordedCount;
    private string _topicPrefix = string.Empty;

    /// <summary>Initializes a new instance of the <see cref="MqttPushMonitor"/> class.</summary>
    /// <param name="reconciler">The reconciler whose passes the events trigger.</param>
    /// <param name="store">The registry store (the jobs and their tokens are read from it).</param>
    /// <param name="options">The broker and trigger options (validated here).</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for nowhere.</param>
    /// <param name="meterFactory">Where the metrics go; <see langword="null"/> for a meter of our own.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names each problem.</exception>
    public MqttPushMonitor(
        IReconciler reconciler,
        IRegistryStore store,
        MqttTriggerOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
        : this(reconciler, store, options, timeProvider, loggerFactory, meterFactory, loop: null)
    {
    }

    /// <summary>Initializes a new instance whose events go to <paramref name="loop"/> (a host's loop, see <see cref="TriggerAsync"/>) when given.</summary>
    internal MqttPushMonitor(
        IReconciler reconciler,
        IRegistryStore store,
        MqttTriggerOptions options,
        TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory,
        IMeterFactory? meterFactory,
        ReconcileLoop? loop)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        MqttTriggerOptions.ThrowIfAny(options.Validate(), nameof(options));

        _store = store;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _wake = new Wake(_time);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AgentSessions.Reconcile.Mqtt");
        _metrics = new MqttMetrics(meterFactory);
        _verifier = new JobEventVerifier(_time, _logger);
        _jobs = new JobDirectory(store);
        _tmux = options.KillOnTerminal ? new TmuxClient(options.TmuxSocketName, options.TmuxSocketPath) : null;
        _ownsPasses = loop is null;
        _loop = loop ?? new ReconcileLoop(reconciler, store, _time);
    }

    /// <summary>Gets the topic filter subscribed to, once <see cref="RunAsync"/> has started.</summary>
    public string TopicFilter => _topicPrefix + "/jobs/+/events";

    /// <summary>Gets a value indicating whether the broker is connected and subscribed.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _state.Connected;
            }
        }
    }

    /// <summary>Gets the drops so far by reason (tests).</summary>
    internal IReadOnlyDictionary<DropReason, long> Drops => _verifier.Drops;

    /// <summary>Gets how many events were dropped so far, by reason (<c>duplicate</c>, <c>bad-signature</c>, … as in docs/mqtt-verification.md).</summary>
    public IReadOnlyDictionary<string, long> DroppedEvents =>
        new SortedDictionary<string, long>(_verifier.Drops.ToDictionary(d => d.Key.ToText(), d => d.Value), StringComparer.Ordinal);

    /// <summary>Gets how many verified events were recorded, each with its pass asked for (tests).</summary>
    internal int RecordedCount => Volatile.Read(ref _recordedCount);

    /// <summary>Runs until the timeout, the idle timeout, or cancellation (which throws).</summary>
    /// <param name="run">How the run ends and what it reports.</param>
    /// <param name="cancellationToken">Ends the run (SIGINT/SIGTERM).</param>
    /// <returns>Why the run ended.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="RegistryException">The registry could not be read at start.</exception>
    public async Task<MqttMonitorExit> RunAsync(MqttMonitorRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!_ownsPasses)
        {
            throw new InvalidOperationException("This monitor feeds a host's reconcile loop; run the loop, and TriggerAsync.");
        }

        _dryRun = run.DryRun;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var connecting = connection.RunAsync(stop.Token);
            var passes = _loop.RunAsync((request, ct) => PassAsync(run, request, ct), run.OnPassFailed, stop.Token);
            try
            {
                var watch = WatchAsync(run, connection.Address.ToString(), stop.Token);
                if (await Task.WhenAny(watch, passes).ConfigureAwait(false) == watch)
                {
                    return await watch.ConfigureAwait(false);
                }

                await passes.ConfigureAwait(false); // ends only by cancellation: throws it
                throw new OperationCanceledException(cancellationToken);
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await passes.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing); // stopping: its cancellation is expected
                await connecting.ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _metrics.Dispose();

    /// <summary>
    /// Subscribes and verifies until cancelled, each verified event recorded through the host's loop (which
    /// then runs an <see cref="ReconcileTrigger.Event"/> pass); the broker's state goes to the log.
    /// </summary>
    internal async Task TriggerAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.RunAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BrokerConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        var registry = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var workspace = _options.Workspace ?? FleetStatusService.WorkspaceName(registry, _store.WorkspaceRoot);
        _topicPrefix = _options.TopicPrefix ?? "agent-sessions/" + workspace;
        await _jobs.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return new BrokerConnection(_options, [TopicFilter], _options.ClientId ?? "agent-sessions-" + workspace, OnMessageAsync, OnState, _time, _logger);
    }

    /// <summary>Says the broker's state changes once each, brings a pass forward when the broker is lost, and ends the run at its limits.</summary>
    private async Task<MqttMonitorExit> WatchAsync(MqttMonitorRun run, string broker, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        Volatile.Write(ref _lastMessageAt, started);
        var everConnected = false;
        var saidDown = false;
        while (true)
        {
            BrokerState state;
            bool changed;
            lock (_gate)
            {
                state = _state;
                changed = _stateChanged;
                _stateChanged = false;
            }

            if (changed && state.Connected)
            {
                run.OnBrokerStatus?.Invoke(saidDown ? $"broker {broker} is back; push monitoring resumed." : $"subscribed to {TopicFilter} on {broker}.");
                everConnected = true;
                saidDown = false;
                Volatile.Write(ref _lastMessageAt, _time.GetTimestamp());
            }
            else if (changed && !saidDown)
            {
                run.OnBrokerStatus?.Invoke(
                    (everConnected ? $"lost the broker {broker}: " : $"cannot use the broker {broker}: ")
                    + state.Problem + $"; polling every {_options.FallbackPollInterval.TotalSeconds:0.#} s while reconnecting.");
                saidDown = true;
                if (everConnected)
                {
                    // The wait armed while connected may be long: poll now, then every fallback interval.
                    await _loop.RequestAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Timer }, cancellationToken).ConfigureAwait(false);
                }
            }

            var elapsed = _time.GetElapsedTime(started);
            if (run.Timeout > TimeSpan.Zero && elapsed >= run.Timeout)
            {
                return MqttMonitorExit.TimedOut;
            }

            var idleFor = _time.GetElapsedTime(Volatile.Read(ref _lastMessageAt));
            var idle = state.Connected && run.IdleTimeout > TimeSpan.Zero;
            if (idle && idleFor >= run.IdleTimeout)
            {
                return MqttMonitorExit.Idle;
            }

            var wait = Timeout.InfiniteTimeSpan;
            if (run.Timeout > TimeSpan.Zero)
            {
                wait = run.Timeout - elapsed;
            }

            if (idle && (wait == Timeout.InfiniteTimeSpan || run.IdleTimeout - idleFor < wait))
            {
                wait = run.IdleTimeout - idleFor;
            }

            await _wake.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TimeSpan?> PassAsync(MqttMonitorRun run, ReconcileRequest request, CancellationToken cancellationToken)
    {
        request.DryRun = run.DryRun;

        // Throws for a failing pass: the loop backs off and says why once; the recorded events wait for the next report.
        var report = await _loop.ReconcileAsync(request, cancellationToken).ConfigureAwait(false);
        foreach (var e in report.Events)
        {
            if (_receivedAt.TryRemove((e.JobId, e.Sequence), out var receivedAt))
            {
                _metrics.EventToPass(_time.GetElapsedTime(receivedAt), report.RegistryWritten || e.Applied);
            }
        }

        if (run.OnReport is { } onReport)
        {
            await onReport(report, cancellationToken).ConfigureAwait(false);
        }

        return IsConnected ? _options.PollInterval ?? report.RequeueAfter : _options.FallbackPollInterval;
    }

    /// <summary>
    /// Kills the tmux session of the row a verified terminal event just ended (<see cref="MqttTriggerOptions.KillOnTerminal"/>):
    /// only when recording the event changed the registry, never for one that changed nothing (its job already
    /// ended, or its <c>last_seq</c> already recorded), and only when the row ended by it (no other job still runs).
    /// </summary>
    private async Task KillEndedSessionAsync(ReconcileJobEvent recorded, CancellationToken cancellationToken)
    {
        if (_tmux is null || _dryRun || recorded.TerminalStatus is null || !recorded.Applied)
        {
            return;
        }

        Registry registry;
        try
        {
            registry = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryException ex)
        {
            LogKilled(_logger, recorded.Session, false, "the registry could not be read: " + ex.Message);
            return;
        }

        if (registry.Find(recorded.Session) is not { Status: SessionStatus.Terminated, TerminationMode: { } mode } || !mode.StartsWith("job-", StringComparison.Ordinal))
        {
            return;
        }

        var result = await _tmux.KillSessionAsync(recorded.Session, cancellationToken).ConfigureAwait(false);
        LogKilled(_logger, recorded.Session, result.Succeeded, result.Problem ?? string.Empty);
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var receivedAt = _time.GetTimestamp();
        Volatile.Write(ref _lastMessageAt, receivedAt);
        _metrics.Received();
        try
        {
            await _jobs.RefreshAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (RegistryException ex)
        {
            // The last good view of the jobs still answers; the next pass reports the registry's problem.
            LogJobsUnreadable(_logger, ex.Message);
        }

        var message = e.ApplicationMessage;
        var payload = message.Payload;
        var result = payload.IsSingleSegment
            ? _verifier.Verify(message.Topic, _topicPrefix, payload.FirstSpan, _jobs.Find)
            : _verifier.Verify(message.Topic, _topicPrefix, System.Buffers.BuffersExtensions.ToArray(payload), _jobs.Find);
        if (result.Event is { } verified)
        {
            _metrics.Verified();
            var jobEvent = new ReconcileJobEvent(verified.JobId, verified.Session, verified.Type.ToWire(), verified.Sequence);
            if (_ownsPasses)
            {
                _receivedAt[(jobEvent.JobId, jobEvent.Sequence)] = receivedAt;
            }

            // The fact first (under the store's lock), the kill it calls for, then a pass (its report comes
            // after the kill); the loop coalesces a burst into one.
            await _loop.RecordAsync(jobEvent, _dryRun, KillEndedSessionAsync, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _recordedCount);
        }
        else if (result.Reason is { } reason)
        {
            _metrics.Dropped(reason.ToText());
        }

        _wake.Signal();
    }

    private void OnState(BrokerState state)
    {
        lock (_gate)
        {
            _stateChanged |= state.Connected != _state.Connected || !state.Connected;
            _state = state;
        }

        _wake.Signal();
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Verified terminal event ended {Session}; tmux kill-session (--kill-on-terminal): succeeded {Succeeded} {Detail}")]
    private static partial void LogKilled(ILogger logger, string session, bool succeeded, string detail);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "The registry could not be read for the jobs' tokens: {Problem}; using the last good view")]
    private static partial void LogJobsUnreadable(ILogger logger, string problem);
}
