namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>
/// Part of C (<see cref="IdMaterializedRule"/>), bound to the process: where a hook record or
/// Claude's per-process file names the session id of the agent running in a row's pane
/// (<see cref="SessionAttention.SessionId"/> in <see cref="LiveKeys.Attention"/>), that id wins
/// over "the newest transcript in the row's folder" (two agents in one folder each keep their
/// own). After <c>/clear</c> (a hook's <c>SessionStart</c> with <c>source: clear</c> names the id
/// it replaced) the row's own id moves forward and the old one is kept in
/// <c>agent_identities.claude.cleared_session_ids</c>: ids are never deleted.
/// </summary>
internal static class BoundIds
{
    /// <summary>Plans a live row's own Claude id from its binding; <see langword="false"/> when there is none (the newest-transcript rule applies).</summary>
    public static bool Plan(IdMaterializedRule rule, DiffContext diff, SessionRow row)
    {
        if (!ReferenceEquals(AgentIds.Of(SessionName.AgentOf(row, diff.Options.Workspace)), AgentIds.Claude)
            || !diff.Live.Get(LiveKeys.Attention).TryGetValue(row.Name, out var a) || a.SessionId is not { } bound || a.SessionIdSource is null)
        {
            return false;
        }

        var own = row.ClaudeSessionIdOwn;
        if (string.Equals(own, bound, StringComparison.Ordinal))
        {
            return true;
        }

        if (diff.Claimed.Contains(bound) || diff.Owners.UsedByOther(bound, row.Name) || Shared(diff, bound))
        {
            // Not this row's alone: the diff does not guess (a shared binding is said in a note).
            return true;
        }

        if (string.IsNullOrEmpty(own))
        {
            Add(rule, diff, row, $"{row.Name}: session id materialized {bound} (named by the {Source(a)} of the agent in its pane).", null, bound,
                new FillOwnIdMutation(row.Name, AgentIds.Claude, bound, diff.Now));
            return true;
        }

        if (string.Equals(a.ClearedFrom, own, StringComparison.Ordinal))
        {
            Add(rule, diff, row, $"{row.Name}: session id moved to {bound} after /clear (hook SessionStart clear); {own} kept in agent_identities.claude.{FillOwnIdMutation.ClearedKey}.", own, bound,
                new FillOwnIdMutation(row.Name, AgentIds.Claude, bound, diff.Now, clearedFrom: own));
            return true;
        }

        // Bound to another id without a /clear that explains it (a new agent in the pane?): not guessed.
        return true;
    }

    /// <summary>Says once per pass which ids are bound to more than one live row.</summary>
    public static void ReportShared(DiffContext diff)
    {
        foreach (var group in diff.Live.Get(LiveKeys.Attention).Where(p => p.Value.SessionId is not null && p.Value.SessionIdSource is not null).GroupBy(p => p.Value.SessionId!, StringComparer.Ordinal))
        {
            var rows = group.Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            if (rows.Count > 1)
            {
                diff.Note($"Claude session {group.Key} is bound to {rows.Count} live rows ({string.Join(", ", rows)}): none of them takes it as its own id.");
            }
        }
    }

    private static void Add(IdMaterializedRule rule, DiffContext diff, SessionRow row, string observation, string? before, string after, RegistryMutation mutation)
    {
        var field = AgentIds.Claude.OwnField;
        diff.Claimed.Add(after);
        diff.Drifts.Add(new PlannedDrift(rule, row.Name, rule.Key(row.Name, field), observation, field, before, after, mutation));
    }

    private static bool Shared(DiffContext diff, string id) =>
        diff.Live.Get(LiveKeys.Attention).Count(p => p.Value.SessionIdSource is not null && string.Equals(p.Value.SessionId, id, StringComparison.Ordinal)) > 1;

    private static string Source(SessionAttention a) => a.SessionIdSource == "hook" ? "hook record" : "per-process file";
}
