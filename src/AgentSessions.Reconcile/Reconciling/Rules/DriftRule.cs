namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>
/// One drift rule: its class (letter, name), its wording, what it needs observed, and how it plans
/// drift and repairs from the registry and the live state. Pure: no I/O, no clock (<c>now</c> is
/// on the <see cref="DiffContext"/>), no probing. Registered in <see cref="DriftRules.Default"/>.
/// </summary>
internal abstract class DriftRule(DriftClass @class)
{
    public DriftClass Class { get; } = @class;

    /// <summary>Gets the words after the observation when its change was written ("Marked terminated.").</summary>
    public virtual string Done => "Recorded.";

    /// <summary>Gets the words after the observation in a dry run, before " (dry run).".</summary>
    public virtual string Would => "Would record it";

    /// <summary>Gets the words after the observation of a drift that changes nothing ("Not revived.").</summary>
    public virtual string ReportOnly => string.Empty;

    /// <summary>Says what this rule needs observed for this registry and tmux snapshot (<see cref="ObservationNeeds.Of{T}"/>).</summary>
    public virtual void Need(ObservationNeeds needs)
    {
    }

    /// <summary>Plans this rule's drift for one registry row (rows in file order, rules in registration order).</summary>
    public virtual void Plan(DiffContext diff, SessionRow row)
    {
    }

    /// <summary>Plans this rule's drift that is not about one row (after every row).</summary>
    public virtual void PlanPass(DiffContext diff)
    {
    }

    /// <summary>The coalescing key of this rule's drift for a row (and its field, when the class's keys name one).</summary>
    public DriftKey Key(string session, string? field = null) => new(Class, session, Class.KeyNamesField ? field : null);

    /// <summary>The observation of this rule's drift that was planned without one (<c>Said</c> is <see langword="null"/>).</summary>
    public virtual string Observe(PlannedDrift drift) => throw new InvalidOperationException($"{Class.Name} planned a drift without its observation.");

    /// <summary>That observation followed by the words <paramref name="a"/>, <paramref name="b"/> and <paramref name="c"/> (the message).</summary>
    public virtual string Message(PlannedDrift drift, string? a, string? b, string? c) => string.Concat(Observe(drift), a, b, c);

    /// <summary>A drift of this rule, with the change that repairs it (none for a report-only drift).</summary>
    protected PlannedDrift Drift(string session, string? observation, string? field, string? before, string? after, RegistryMutation? mutation) =>
        new(this, session, Key(session, field), observation, field, before, after, mutation);
}
