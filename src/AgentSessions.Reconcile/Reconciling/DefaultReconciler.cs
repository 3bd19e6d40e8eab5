using System.Diagnostics.Metrics;
using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Reconciling.Rules;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// The level-based reconciler: load the registry, observe the live state once, diff, then under
/// the store's lock apply the mutations (each re-checked against the file as it is then) and
/// coalesce against the drift state read and written there, report. One pass at a time. It reads
/// no environment variable and writes no file itself: the store and the <see cref="IDriftStateStore"/> do.
/// </summary>
internal sealed partial class DefaultReconciler(
    IRegistryStore store,
    ISessionProbe probe,
    ReconcilerOptions options,
    TimeProvider? timeProvider = null,
    ILoggerFactory? loggerFactory = null,
    IDriftStateStore? stateStore = null,
    IMeterFactory? meterFactory = null,
    IReadOnlyList<DriftRule>? rules = null) : IReconciler, IDisposable
{
    private const int MaxNoteLength = 160;
    private readonly IRegistryStore _store = store ?? throw new ArgumentNullException(nameof(store));
    private readonly ISessionProbe _probe = probe ?? throw new ArgumentNullException(nameof(probe));
    private readonly ReconcilerOptions _options = Checked(options);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ILogger _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AgentSessions.Reconcile.Reconciler");
    private readonly IDriftStateStore _stateStore = stateStore ?? DriftStateStore.CreateFile(store.WorkspaceRoot, options.StateDirectory);
    private readonly ReconcilerMetrics _metrics = new(meterFactory);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IReadOnlyList<DriftRule> _rules = rules ?? DriftRules.Default;

    // What this process last kept, for when the state store cannot write (said once, not repeated).
    private (string Workspace, DriftState State)? _kept;
    private bool _saveFailing;
    private string? _lastStateProblem;

    public async Task<DriftReport> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        var outcome = "failed";
        try
        {
            var report = await RunPassAsync(request, cancellationToken).ConfigureAwait(false);
            outcome = "ok";
            return report;
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        finally
        {
            _metrics.PassCompleted(request.Trigger, request.DryRun, outcome, _time.GetElapsedTime(started));
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _gate.Dispose();
    }

    /// <summary>A copy of valid options (a later change does not reach the reconciler); invalid ones throw, naming each problem.</summary>
    private static ReconcilerOptions Checked(ReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Validate() is { Count: > 0 } problems ? throw new ArgumentException(string.Join(" ", problems), nameof(options)) : options.Copy();
    }

    /// <summary>Resolves the workspace name: the options, else the registry's <c>workspace:</c>, else the root folder's name.</summary>
    internal string ResolveWorkspace(Registry registry)
    {
        return !string.IsNullOrEmpty(_options.WorkspaceName) ? _options.WorkspaceName
            : !string.IsNullOrEmpty(registry.Workspace) ? registry.Workspace
            : Path.GetFileName(Path.TrimEndingDirectorySeparator(_store.WorkspaceRoot)) is { Length: > 0 } folder ? folder : "workspace";
    }

    private async Task<DriftReport> RunPassAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        // The tmux snapshot does not depend on the registry: its process runs while the file is read
        // and parsed (the grace windows of A and E cover either order of the two reads).
        var tmuxSnapshot = (_probe as CompositeSessionProbe)?.StartTmux(cancellationToken);
        Registry registry;
        try
        {
            registry = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (tmuxSnapshot is not null)
        {
            // No tmux process outlives its pass.
            await ((Task)tmuxSnapshot).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        var workspace = ResolveWorkspace(registry);
        ReconcilerLog.PassStarted(_logger, workspace, request.Trigger, request.DryRun);

        var live = await ObserveAsync(registry, workspace, tmuxSnapshot, cancellationToken).ConfigureAwait(false);

        // Whole seconds, as the registry's timestamps are written (2026-11-20T10:05:00Z).
        var utcNow = _time.GetUtcNow();
        var now = utcNow.AddTicks(-(utcNow.Ticks % TimeSpan.TicksPerSecond));
        string? stateProblem = null;
        var (diff, noState, dryRunState) = Diff(registry, live, now, workspace, request.DryRun, ref stateProblem);

        // Besides drift: where running rows were seen alive, so a pass on another server cannot end them.
        // Not in a dry run: they come after the drift's changes and change no count, and recording one
        // reads the pane's foreground process from /proc (three reads per pane).
        var mutations = diff.Drifts.Select(d => d.Mutation).OfType<RegistryMutation>().Concat(request.DryRun ? [] : diff.PaneRecords).ToList();

        // Capturing a pane is expensive: only for a row whose visible status must change, and never
        // in a dry run (nothing would be written with it).
        if (!request.DryRun)
        {
            foreach (var refresh in diff.VisibleRefreshes)
            {
                var capture = await _probe.CapturePaneAsync(refresh.TmuxName, _options.CaptureLines, cancellationToken).ConfigureAwait(false);
                if (capture.Succeeded)
                {
                    mutations.Add(new RefreshVisibleMutation(refresh.Session, NoteFromCapture(capture.Text), now));
                }
                else
                {
                    _metrics.ProbeFailed("capture");
                    ReconcilerLog.CaptureFailed(_logger, refresh.Session, capture.FailureReason ?? "no reason given");
                }
            }
        }

        var after = registry;
        var written = false;
        var created = false;
        var notes = diff.Notes;
        List<Drift> fresh;
        int coalesced;
        if (request.DryRun)
        {
            // The loaded registry is this pass's own copy: applying to it only computes the counts.
            // The state is read, never written, and no lock is taken.
            (fresh, coalesced, _) = Coalescer.Apply(dryRunState!, Found(diff, ApplyAll(registry, mutations), dryRun: true), diff, now, keepNext: false);
        }
        else if (mutations.Count == 0 && diff.Drifts.Count == 0 && noState && diff.EndStateAliveFirstSeen.Count == 0)
        {
            // Nothing to write and nothing to remember: no lock, no file (a folder without a registry stays empty).
            (fresh, coalesced) = ([], 0);
        }
        else
        {
            // The drift state is read and written under the registry's lock, so a monitor next to this
            // one sees what this pass reported and does not report it again.
            var result = await _store.UpdateAsync(
                current =>
                {
                    var outcomes = ApplyAll(current, mutations);
                    var underLock = LoadState(workspace, ref stateProblem);
                    var (f, c, next) = Coalescer.Apply(underLock, Found(diff, outcomes, dryRun: false), diff, now);
                    if (!next!.ContentEquals(underLock))
                    {
                        SaveState(workspace, next, ref stateProblem);
                    }

                    return (Outcomes: outcomes, Fresh: f, Coalesced: c);
                },
                cancellationToken: cancellationToken).ConfigureAwait(false);
            (fresh, coalesced) = (result.Value.Fresh, result.Value.Coalesced);
            after = result.Registry;
            written = result.Written;
            created = result.Created;
            if (result.Warning is { } warning)
            {
                // The write committed; only its .bak or folder fsync failed. Say so, keep the report.
                ReconcilerLog.WriteWarning(_logger, warning);
                notes = [.. notes, warning];
            }

            foreach (var (mutation, outcome) in result.Value.Outcomes.Where(p => !p.Value.Applied))
            {
                ReconcilerLog.MutationSkipped(_logger, mutation.Session, outcome.SkipReason ?? "not applied");
            }
        }

        // A drift's sentence is made when read: not for a log that is off.
        var logDrifts = _logger.IsEnabled(LogLevel.Information);
        foreach (var drift in fresh)
        {
            _metrics.DriftReported(drift.Class);
            if (logDrifts)
            {
                ReconcilerLog.DriftFound(_logger, drift.Class, drift.Session, drift.Message);
            }
        }

        var running = after.Sessions.Count(r => r.Status == SessionStatus.Running);

        ReconcilerLog.PassFinished(_logger, workspace, fresh.Count, coalesced, written);
        return new DriftReport(workspace, now, request.DryRun, fresh)
        {
            CoalescedCount = coalesced,
            TmuxKnown = diff.TmuxKnown,
            TmuxUnknownReason = diff.TmuxUnknownReason,
            TmuxSocket = live.Tmux.SocketPath,
            Notes = notes,
            SessionCount = after.Sessions.Count,
            RunningCount = running,
            RegistryWritten = written,
            RegistryCreated = created,
            RequeueAfter = PollIntervals.For(running, _options.PollInterval),
            StateProblem = stateProblem,
        };
    }

    /// <summary>
    /// Reads the drift state and diffs. A write pass reads the state again under the lock, so this read
    /// is kept only for a dry run: at 20,000 reported drifts it is about 12 MB not held through the write.
    /// </summary>
    private (DiffResult Diff, bool NoState, DriftState? DryRunState) Diff(Registry registry, LiveState live, DateTimeOffset now, string workspace, bool dryRun, ref string? stateProblem)
    {
        var state = LoadState(workspace, ref stateProblem);
        var diff = DriftDiff.Compute(
            registry,
            live,
            now,
            new DiffOptions(workspace, _options.EndStateGrace, _store.WorkspaceRoot, _options.AttentionAfter),
            new Dictionary<string, DateTimeOffset>(state.EndStateAliveFirstSeen, StringComparer.Ordinal),
            _rules);
        return (diff, state.Reported.Count == 0 && state.EndStateAliveFirstSeen.Count == 0, dryRun ? state : null);
    }

    /// <summary>Reads the drift state; trouble is said once and this process's own memory stands in.</summary>
    private DriftState LoadState(string workspace, ref string? problem)
    {
        DriftState loaded;
        try
        {
            loaded = _stateStore.Load(workspace);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            StateTrouble(ex.Message, ref problem);
            return Kept(workspace) ?? new DriftState();
        }

        // While writes fail, the file is behind what this process reported.
        return _saveFailing && Kept(workspace) is { } kept ? kept : loaded;
    }

    private void SaveState(string workspace, DriftState state, ref string? problem)
    {
        try
        {
            _stateStore.Save(workspace, state);
            _saveFailing = false;
            _kept = null;
            _lastStateProblem = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _saveFailing = true;
            _kept = (workspace, state);
            StateTrouble(ex.Message, ref problem);
        }
    }

    private DriftState? Kept(string workspace) =>
        _kept is { } k && string.Equals(k.Workspace, workspace, StringComparison.Ordinal) ? k.State : null;

    private void StateTrouble(string message, ref string? problem)
    {
        if (string.Equals(message, _lastStateProblem, StringComparison.Ordinal))
        {
            return;
        }

        _lastStateProblem = message;
        problem = message;
        ReconcilerLog.StateTrouble(_logger, message);
    }
}
