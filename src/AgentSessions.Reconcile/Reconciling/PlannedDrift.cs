namespace AgentSessions.Reconcile.Reconciling;

/// <summary>What the diff needs besides the registry and the live state.</summary>
/// <param name="Workspace">The workspace name (prefix of its tmux session names).</param>
/// <param name="EndStateGrace">
/// The grace window: how long an end-state row may have a live tmux session before drift E, and
/// how long a just-written running row may wait for its tmux session before drift A.
/// </param>
/// <param name="WorkspaceRoot">The workspace's root folder: a session working under another registry's folder is not registered here.</param>
/// <param name="AttentionAfter">How long a row may be <c>waiting</c> before drift F.</param>
internal sealed record DiffOptions(string Workspace, TimeSpan EndStateGrace, string? WorkspaceRoot = null, TimeSpan? AttentionAfter = null);

/// <summary>One drift the diff found, with the change it wants (none for report-only drifts).</summary>
internal sealed class PlannedDrift
{
    public PlannedDrift(DriftClass @class, string session, DriftKey key, string observation, string? field, string? before, string? after, RegistryMutation? mutation)
    {
        Class = @class;
        Session = session;
        Key = key;
        Observation = observation;
        Field = field;
        Before = before;
        After = after;
        Mutation = mutation;
    }

    public DriftClass Class { get; }

    public string Session { get; }

    public DriftKey Key { get; }

    /// <summary>Gets what was seen, without what was done ("x: tmux gone (was pane 1, cmd claude)."); the coalescing hash covers it.</summary>
    public string Observation { get; }

    public string? Field { get; }

    public string? Before { get; }

    public string? After { get; }

    public RegistryMutation? Mutation { get; }

    /// <summary>Builds the reported drift once it is known whether (and why not) the change was applied.</summary>
    public Drift ToDrift(bool dryRun, MutationOutcome? outcome)
    {
        var applied = outcome is { Applied: true } && !dryRun;
        string message;
        if (Mutation is null)
        {
            message = (Observation + " " + ReportOnlyVerb()).TrimEnd();
        }
        else if (dryRun)
        {
            message = Observation + " " + WouldVerb() + " (dry run).";
        }
        else if (applied)
        {
            message = Observation + " " + DoneVerb();
        }
        else
        {
            message = Observation + " Left as is: " + (outcome?.SkipReason ?? "not applied") + ".";
        }

        return new Drift(Class, Session, message)
        {
            Field = Field,
            Before = Before,
            After = After,
            Applied = applied,
            Key = Key,
        };
    }

    private string DoneVerb() => Class switch
    {
        DriftClass.TmuxGone => "Marked terminated.",
        DriftClass.Unregistered => "Auto-registered.",
        _ => "Recorded.",
    };

    private string WouldVerb() => Class switch
    {
        DriftClass.TmuxGone => "Would mark terminated",
        DriftClass.Unregistered => "Would auto-register",
        _ => "Would record it",
    };

    private string ReportOnlyVerb() => Class switch
    {
        DriftClass.StaleId => "Kept in the registry.",
        DriftClass.EndStateAlive => "Not revived.",
        _ => string.Empty,
    };
}

/// <summary>A running row with a live tmux session whose visible status must be refreshed (needs a capture).</summary>
/// <param name="Session">The row's name (and tmux session name).</param>
/// <param name="TmuxName">The tmux session name as tmux stores it.</param>
internal sealed record VisibleRefresh(string Session, string TmuxName);

/// <summary>What <see cref="DriftDiff.Compute"/> found.</summary>
internal sealed class DiffResult
{
    public required IReadOnlyList<PlannedDrift> Drifts { get; init; }

    public required IReadOnlyList<VisibleRefresh> VisibleRefreshes { get; init; }

    /// <summary>Gets, not drift, where running rows were seen alive when the row does not say so yet (<c>pane.socket</c>, <c>pane.id</c>).</summary>
    public IReadOnlyList<RecordPaneMutation> PaneRecords { get; init; } = [];

    /// <summary>Gets, for each end-state row whose tmux is alive, when that was first seen (carried between passes).</summary>
    public required IReadOnlyDictionary<string, DateTimeOffset> EndStateAliveFirstSeen { get; init; }

    /// <summary>Gets the coalescing keys that could not be decided this pass (unknown presence): kept as reported.</summary>
    public required IReadOnlySet<DriftKey> UndecidedKeys { get; init; }

    public required bool TmuxKnown { get; init; }

    public string? TmuxUnknownReason { get; init; }

    /// <summary>Gets what could not be seen this pass and why, each said once ("Claude: … does not exist").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
