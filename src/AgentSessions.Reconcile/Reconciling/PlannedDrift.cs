using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// What the diff needs besides the registry and the live state. <c>EndStateGrace</c>: how long an end-state
/// row may have a live tmux session before drift E, and how long a just-written running row may wait for
/// its tmux session before drift A.
/// </summary>
internal sealed record DiffOptions(string Workspace, TimeSpan EndStateGrace, string? WorkspaceRoot = null, TimeSpan? AttentionAfter = null);

/// <summary>
/// One drift the diff found, with the change it wants (none for report-only drifts). The observation says
/// what was seen, not what was done ("x: tmux gone (was pane 1, cmd claude)."): the coalescing hash covers it.
/// <c>Said</c> is the observation, or <see langword="null"/> when the rule words it from the drift's own facts
/// (<see cref="DriftRule.Observe"/>) each time it is read: 20,000 stale ids hold no 20,000 sentences.
/// </summary>
internal sealed record PlannedDrift(DriftRule Rule, string Session, DriftKey Key, string? Said, string? Field, string? Before, string? After, RegistryMutation? Mutation)
{
    public DriftClass Class => Rule.Class;

    public string Observation => Said ?? Rule.Observe(this);

    /// <summary>The observation and the words after it, made as one string (an observation worded when read is not made apart first).</summary>
    public string Message(string? a, string? b, string? c) => Said is { } said ? string.Concat(said, a, b, c) : Rule.Message(this, a, b, c);

    /// <summary>Builds the reported drift once it is known whether (and why not) the change was applied.</summary>
    public Drift ToDrift(bool dryRun, MutationOutcome? outcome)
    {
        var applied = outcome is { Applied: true } && !dryRun;

        // The sentence is joined when read (see Drift): the observation, then the rule's words.
        (string? A, string? B, string? C) words = (Mutation, dryRun, applied) switch
        {
            (null, _, _) => Rule.ReportOnly.Length == 0 ? default : (" ", Rule.ReportOnly, null),
            (_, true, _) => (" ", Rule.Would, " (dry run)."),
            (_, _, true) => (" ", Rule.Done, null),
            _ => (" Left as is: ", outcome?.SkipReason ?? "not applied", "."),
        };

        return new Drift(this, words.A, words.B, words.C)
        {
            Field = Field,
            Before = Before,
            After = After,
            Applied = applied,
        };
    }
}

/// <summary>A running row with a live tmux session whose visible status must be refreshed (needs a capture).</summary>
internal sealed record VisibleRefresh(string Session, string TmuxName);

/// <summary>
/// What <see cref="DriftDiff.Compute"/> found: the drifts; besides drift, the rows whose visible status needs a
/// capture and where running rows were seen alive when the row does not say so yet (<c>pane.socket</c>,
/// <c>pane.id</c>); for each end-state row whose tmux is alive, when that was first seen (carried between
/// passes); the coalescing keys that could not be decided this pass (kept as reported); and what could not be
/// seen and why, each said once.
/// </summary>
internal sealed record DiffResult(
    IReadOnlyList<PlannedDrift> Drifts,
    IReadOnlyList<VisibleRefresh> VisibleRefreshes,
    IReadOnlyList<RecordPaneMutation> PaneRecords,
    IReadOnlyDictionary<string, DateTimeOffset> EndStateAliveFirstSeen,
    IReadOnlySet<DriftKey> UndecidedKeys,
    bool TmuxKnown,
    string? TmuxUnknownReason,
    IReadOnlyList<string> Notes);
