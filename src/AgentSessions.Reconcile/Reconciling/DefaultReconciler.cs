using System.Diagnostics.Metrics;
using System.IO.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// The level-based reconciler: load the registry, probe tmux then the artifacts the rows and
/// registration candidates need, diff, apply the mutations through the store's locked update
/// (each re-checked against the file as it is then), coalesce, report. One pass at a time.
/// </summary>
internal sealed class DefaultReconciler : IReconciler, IDisposable
{
    private const int MaxNoteLength = 160;
    private readonly IRegistryStore _store;
    private readonly ISessionProbe _probe;
    private readonly ReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IFileSystem _fileSystem;
    private readonly Func<string, string?> _environment;
    private readonly ReconcilerMetrics _metrics;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public DefaultReconciler(
        IRegistryStore store,
        ISessionProbe probe,
        ReconcilerOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IFileSystem? fileSystem = null,
        Func<string, string?>? environment = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        _store = store;
        _probe = probe;

        // A copy: changing the caller's options object later does not change a running reconciler.
        _options = new ReconcilerOptions
        {
            WorkspaceName = options.WorkspaceName,
            EndStateGrace = options.EndStateGrace,
            StateDirectory = options.StateDirectory,
            CaptureLines = options.CaptureLines,
            PollInterval = options.PollInterval,
        };
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AgentSessions.Reconcile.Reconciler");
        _fileSystem = fileSystem ?? new FileSystem();
        _environment = environment ?? Environment.GetEnvironmentVariable;
        _metrics = new ReconcilerMetrics(meterFactory);
    }

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

    /// <summary>Resolves the workspace name: the options, else the registry's <c>workspace:</c>, else the root folder's name.</summary>
    internal string ResolveWorkspace(Registry registry)
    {
        if (!string.IsNullOrEmpty(_options.WorkspaceName))
        {
            return _options.WorkspaceName;
        }

        if (!string.IsNullOrEmpty(registry.Workspace))
        {
            return registry.Workspace;
        }

        return Path.GetFileName(Path.TrimEndingDirectorySeparator(_store.WorkspaceRoot)) is { Length: > 0 } folder ? folder : "workspace";
    }

    /// <summary>The coalescing state file: options, then <c>AGENT_SESSIONS_STATE_DIR</c>, then <c>&lt;root&gt;/.cache/tmux-agent-orchestrate-monitor</c>.</summary>
    internal string StatePath(string workspace)
    {
        var directory = _options.StateDirectory;
        if (string.IsNullOrEmpty(directory))
        {
            directory = _environment(ReconcilerOptions.StateDirectoryEnvironmentVariable);
        }

        return CoalescingStateFile.PathFor(_store.WorkspaceRoot, directory, workspace);
    }

    private async Task<DriftReport> RunPassAsync(ReconcileRequest request, CancellationToken cancellationToken)
    {
        var registry = await _store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var workspace = ResolveWorkspace(registry);
        ReconcilerLog.PassStarted(_logger, workspace, request.Trigger, request.DryRun);

        var tmux = await ProbeTmuxAsync(cancellationToken).ConfigureAwait(false);
        var artifacts = await ProbeArtifactsAsync(DriftDiff.BuildArtifactRequest(registry, tmux, workspace), cancellationToken).ConfigureAwait(false);
        if (DriftDiff.BuildFollowUpRequest(registry, tmux, workspace, artifacts) is { } followUp)
        {
            artifacts = DriftDiff.Merge(artifacts, await ProbeArtifactsAsync(followUp, cancellationToken).ConfigureAwait(false));
        }

        // Whole seconds, as the registry's timestamps are written (2026-11-20T10:05:00Z).
        var utcNow = _time.GetUtcNow();
        var now = utcNow.AddTicks(-(utcNow.Ticks % TimeSpan.TicksPerSecond));
        var stateFile = new CoalescingStateFile(_fileSystem, StatePath(workspace), _logger);
        var state = stateFile.Load();
        var diff = DriftDiff.Compute(
            registry,
            new LiveState(tmux, artifacts),
            now,
            new DiffOptions(workspace, _options.EndStateGrace),
            state.EndStateAliveFirstSeen);

        // Verified terminal job events first: a row that ended because its job ended says so.
        var mutations = new List<RegistryMutation>();
        var jobMutations = JobEventMutations(request.JobEvents, now);
        mutations.AddRange(jobMutations);
        foreach (var planned in diff.Drifts)
        {
            if (planned.Mutation is not null)
            {
                mutations.Add(planned.Mutation);
            }
        }

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

        var outcomes = new Dictionary<RegistryMutation, MutationOutcome>(ReferenceEqualityComparer.Instance);
        var after = registry;
        var written = false;
        if (mutations.Count > 0)
        {
            if (request.DryRun)
            {
                // The loaded registry is this pass's own copy: applying to it only computes the counts.
                outcomes = ApplyAll(registry, mutations);
            }
            else
            {
                var result = await _store.UpdateAsync(current => ApplyAll(current, mutations), cancellationToken: cancellationToken).ConfigureAwait(false);
                outcomes = result.Value;
                after = result.Registry;
                written = result.Written;
            }
        }

        var found = new List<(PlannedDrift, Drift)>(diff.Drifts.Count);
        foreach (var planned in diff.Drifts)
        {
            MutationOutcome? outcome = planned.Mutation is not null && outcomes.TryGetValue(planned.Mutation, out var o) ? o : null;
            found.Add((planned, planned.ToDrift(request.DryRun, outcome)));
        }

        if (!request.DryRun)
        {
            foreach (var (mutation, outcome) in outcomes)
            {
                if (!outcome.Applied)
                {
                    ReconcilerLog.MutationSkipped(_logger, mutation.Session, outcome.SkipReason ?? "not applied");
                }
            }
        }

        var (fresh, coalesced, nextState) = Coalescer.Apply(state, found, diff);
        if (!request.DryRun && !nextState.ContentEquals(state))
        {
            stateFile.Save(nextState);
        }

        foreach (var drift in fresh)
        {
            _metrics.DriftReported(drift.Class);
            ReconcilerLog.DriftFound(_logger, drift.Class, drift.Session, drift.Message);
        }

        var running = 0;
        foreach (var row in after.Sessions)
        {
            if (row.Status == SessionStatus.Running)
            {
                running++;
            }
        }

        ReconcilerLog.PassFinished(_logger, workspace, fresh.Count, coalesced, written);
        return new DriftReport(workspace, now, request.DryRun, fresh)
        {
            CoalescedCount = coalesced,
            TmuxKnown = diff.TmuxKnown,
            TmuxUnknownReason = diff.TmuxUnknownReason,
            SessionCount = after.Sessions.Count,
            RunningCount = running,
            RegistryWritten = written,
            Events = AppliedEvents(request.JobEvents, jobMutations),
            RequeueAfter = PollIntervals.For(running, _options.PollInterval),
        };
    }

    private static List<JobEventMutation> JobEventMutations(IReadOnlyList<ReconcileJobEvent> events, DateTimeOffset now)
    {
        var mutations = new List<JobEventMutation>();
        foreach (var e in events)
        {
            if (e.TerminalStatus is { } status)
            {
                mutations.Add(new JobEventMutation(e, status, now));
            }
        }

        return mutations;
    }

    /// <summary>The events as reported: a terminal one names the row that holds its job.</summary>
    private static List<ReconcileJobEvent> AppliedEvents(IReadOnlyList<ReconcileJobEvent> events, List<JobEventMutation> mutations)
    {
        var reported = new List<ReconcileJobEvent>(events.Count);
        var next = 0;
        foreach (var e in events)
        {
            if (e.TerminalStatus is not null && mutations[next++] is { Row: { } row } && row != e.Session)
            {
                reported.Add(new ReconcileJobEvent(e.JobId, row, e.Type, e.Sequence));
            }
            else
            {
                reported.Add(e);
            }
        }

        return reported;
    }

    /// <summary>Applies the mutations in order to the registry as it is now; each re-checks its facts.</summary>
    internal static Dictionary<RegistryMutation, MutationOutcome> ApplyAll(Registry current, IReadOnlyList<RegistryMutation> mutations)
    {
        var outcomes = new Dictionary<RegistryMutation, MutationOutcome>(ReferenceEqualityComparer.Instance);
        foreach (var mutation in mutations)
        {
            outcomes[mutation] = mutation.DependsOn is { } dependency && !(outcomes.TryGetValue(dependency, out var d) && d.Applied)
                ? MutationOutcome.Skip("its registration was not applied")
                : mutation.Apply(current);
        }

        return outcomes;
    }

    /// <summary>A one-line note from a pane capture: its last non-blank line, whitespace collapsed, bounded.</summary>
    internal static string NoteFromCapture(string? text)
    {
        var lines = (text ?? string.Empty).Split('\n');
        for (var i = lines.Length - 1; i >= 0; i--)
        {
            var line = string.Join(' ', lines[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (line.Length > 0)
            {
                return "visible: " + (line.Length > MaxNoteLength ? line[..MaxNoteLength] + "…" : line);
            }
        }

        return "visible: blank screen";
    }

    private async Task<TmuxState> ProbeTmuxAsync(CancellationToken cancellationToken)
    {
        TmuxState tmux;
        try
        {
            tmux = await _probe.ProbeTmuxAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReconcilerLog.TmuxProbeFailed(_logger, ex);
            tmux = TmuxState.Unknown($"the tmux probe failed: {ex.Message}");
        }

        if (!tmux.IsKnown)
        {
            _metrics.ProbeFailed("tmux");
            ReconcilerLog.TmuxUnknown(_logger, tmux.UnknownReason ?? "no reason given");
        }

        return tmux;
    }

    private async Task<ArtifactState> ProbeArtifactsAsync(ArtifactRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _probe.ProbeArtifactsAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing answered is "unknown" to the diff: no id is filled and nothing is called stale.
            _metrics.ProbeFailed("artifacts");
            ReconcilerLog.ArtifactProbeFailed(_logger, ex);
            return ArtifactState.Empty;
        }
    }
}
