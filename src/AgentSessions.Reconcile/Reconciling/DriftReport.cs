using AgentSessions.Reconcile.Reconciling;

namespace AgentSessions.Reconcile;

/// <summary>What one reconcile pass found and did.</summary>
/// <param name="workspace">The workspace name.</param>
/// <param name="at">When the pass observed the live state.</param>
/// <param name="dryRun">Whether the pass was a dry run.</param>
/// <param name="drifts">The drifts to report (new ones only; repeats are counted in <see cref="CoalescedCount"/>).</param>
public sealed class DriftReport(string workspace, DateTimeOffset at, bool dryRun, IReadOnlyList<Drift> drifts)
{
    private IReadOnlyList<ReconcileJobEvent> events = [];

    /// <summary>Gets the workspace name.</summary>
    public string Workspace { get; } = workspace;

    /// <summary>Gets when the pass observed the live state.</summary>
    public DateTimeOffset At { get; } = at;

    /// <summary>Gets a value indicating whether the pass was a dry run.</summary>
    public bool DryRun { get; } = dryRun;

    /// <summary>Gets the drifts to report: each is new (never reported before, or changed since).</summary>
    public IReadOnlyList<Drift> Drifts { get; } = drifts;

    /// <summary>Gets how many drifts were found again but not reported, because they were reported before unchanged.</summary>
    public int CoalescedCount { get; init; }

    /// <summary>Gets a value indicating whether tmux could be asked. When <see langword="false"/>, no A or B drift was considered.</summary>
    public bool TmuxKnown { get; init; } = true;

    /// <summary>Gets why tmux state is unknown, or <see langword="null"/>.</summary>
    public string? TmuxUnknownReason { get; init; }

    /// <summary>Gets the tmux socket that was asked, when the probe knows it (a wrong one reads as "no server").</summary>
    public string? TmuxSocket { get; init; }

    /// <summary>Gets what this pass could not see and why, each said once (for example a Claude config folder that does not exist, or "wrong socket?").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets how many rows the registry has after the pass.</summary>
    public int SessionCount { get; init; }

    /// <summary>Gets how many rows are <c>running</c> after the pass (the polling interval grows at 5 or more).</summary>
    public int RunningCount { get; init; }

    /// <summary>Gets a value indicating whether the registry file was written by this pass.</summary>
    public bool RegistryWritten { get; init; }

    /// <summary>Gets a value indicating whether this pass's write created the registry file (there was none before).</summary>
    public bool RegistryCreated { get; init; }

    /// <summary>
    /// Gets the verified job events recorded since the previous report (<see cref="ReconcileLoop.RecordAsync"/>),
    /// each with the row that holds its job when found, and whether it changed the registry.
    /// </summary>
    public IReadOnlyList<ReconcileJobEvent> Events { get => events; init => events = value; }

    /// <summary>
    /// Gets why the drift state (what earlier passes reported) could not be read or written, on the
    /// first pass that met this trouble; <see langword="null"/> otherwise, so a host says it once.
    /// </summary>
    public string? StateProblem { get; init; }

    /// <summary>
    /// Gets when the next pass is due, counted from the end of this one:
    /// <see cref="ReconcilerOptions.PollInterval"/> when set, else 30 seconds, or 60 seconds once
    /// 5 or more rows are <c>running</c> (to keep reports from getting noisy). <see cref="ReconcileLoop"/> waits this long.
    /// </summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan RequeueAfter { get; init; } = PollIntervals.Default;

    /// <summary>A copy of this report listing <paramref name="events"/>.</summary>
    internal DriftReport WithEvents(IReadOnlyList<ReconcileJobEvent> events)
    {
        var copy = (DriftReport)MemberwiseClone();
        copy.events = events;
        return copy;
    }
}
