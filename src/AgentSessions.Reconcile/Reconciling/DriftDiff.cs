using System.Globalization;
using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// The pure diff between a registry and the live state: no I/O, no clock (<c>now</c> comes in),
/// no exceptions for drift, no probing. Drift is the output, with the mutations that repair what
/// is safe. The registered rules (<see cref="DriftRules.Default"/>) find it, one class each.
/// </summary>
internal static class DriftDiff
{
    /// <summary>A status as drift messages say it: the registry's word, or "without status".</summary>
    public static string Word(SessionStatus? status) => status is { } s ? s.ToWord() : "without status";

    /// <summary>
    /// Computes the drift. <paramref name="endStateAliveFirstSeen"/>: when each end-state row's live tmux
    /// was first seen, from earlier passes (the fallback for rows without timestamps).
    /// </summary>
    public static DiffResult Compute(
        Registry registry, LiveState live, DateTimeOffset now, DiffOptions options, IReadOnlyDictionary<string, DateTimeOffset> endStateAliveFirstSeen, IReadOnlyList<DriftRule>? rules = null)
    {
        var diff = new DiffContext(registry, live, now, options, endStateAliveFirstSeen, rules ?? DriftRules.Default);
        foreach (var row in registry.Sessions)
        {
            foreach (var rule in diff.Rules)
            {
                rule.Plan(diff, row);
            }
        }

        foreach (var rule in diff.Rules)
        {
            rule.PlanPass(diff);
        }

        return diff.Result();
    }

    /// <summary>"pane 1234, cmd claude", as a drift message names a pane.</summary>
    internal static string PaneText(long? pid, string? command) =>
        $"pane {pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, cmd {command ?? "unknown"}";
}

/// <summary>One diff's inputs and what its rules found so far.</summary>
internal sealed class DiffContext(
    Registry registry, LiveState live, DateTimeOffset now, DiffOptions options, IReadOnlyDictionary<string, DateTimeOffset> previousFirstSeen, IReadOnlyList<DriftRule> rules)
{
    private readonly Dictionary<string, DateTimeOffset> _firstSeen = new(StringComparer.Ordinal);
    private readonly HashSet<DriftKey> _undecided = [];
    private readonly List<string> _notes = [];
    private IdOwners? _owners;

    public Registry Registry { get; } = registry;

    /// <summary>Gets the rules this diff runs, in order.</summary>
    public IReadOnlyList<DriftRule> Rules { get; } = rules;

    public LiveState Live { get; } = live;

    public TmuxState Tmux => Live.Tmux;

    public DateTimeOffset Now { get; } = now;

    public DiffOptions Options { get; } = options;

    public IReadOnlyDictionary<string, DateTimeOffset> PreviousFirstSeen { get; } = previousFirstSeen;

    /// <summary>Gets who mentions each id, made when a rule first asks (a pass where no row needs an id asks never).</summary>
    public IdOwners Owners => _owners ??= new(Registry);

    /// <summary>Gets the ids given out in this pass, so two rows in one folder never get the same one.</summary>
    public HashSet<string> Claimed { get; } = new(StringComparer.Ordinal);

    public List<PlannedDrift> Drifts { get; } = [];

    public List<VisibleRefresh> Refreshes { get; } = [];

    public List<RecordPaneMutation> PaneRecords { get; } = [];

    public void FirstSeen(string session, DateTimeOffset since) => _firstSeen[session] = since;

    /// <summary>A drift that could not be decided this pass: if it was reported before, it stays reported.</summary>
    public void Undecided(DriftKey key) => _undecided.Add(key);

    /// <summary>Says once per pass why something could not be seen.</summary>
    public void Note(string note)
    {
        if (!_notes.Contains(note))
        {
            _notes.Add(note);
        }
    }

    /// <summary>Whether a row was created or updated within the grace window (the create skill writes the row before its session).</summary>
    public bool WithinGrace(DateTimeOffset? at) => at is { } t && Now - t < Options.EndStateGrace;

    public DiffResult Result() => new(Drifts, Refreshes, PaneRecords, _firstSeen, _undecided, Tmux.IsKnown, Tmux.IsKnown ? null : Tmux.UnknownReason, _notes);
}
