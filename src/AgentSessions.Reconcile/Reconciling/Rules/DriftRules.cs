namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>The registered drift rules: one line per rule. The order is the order they plan in for each row.</summary>
internal static class DriftRules
{
    /// <summary>
    /// Gets the rules. C before A: a running row whose tmux just went away still gets the id its
    /// transcript got (or the id bound to its agent's process). B runs after every row (it registers what no row names).
    /// </summary>
    public static IReadOnlyList<DriftRule> Default { get; } =
    [
        new IdMaterializedRule(),
        new TmuxGoneRule(),
        new EndStateAliveRule(),
        new NeedsAttentionRule(),
        new StaleIdRule(),
        new UnregisteredRule(),
    ];
}
