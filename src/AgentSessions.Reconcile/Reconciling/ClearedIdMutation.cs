namespace AgentSessions.Reconcile.Reconciling;

/// <summary>After <c>/clear</c>: the row's own Claude id moves forward; the old one is appended to <c>agent_identities.claude.cleared_session_ids</c>.</summary>
internal sealed class ClearedIdMutation : RegistryMutation
{
    /// <summary>The key under <c>agent_identities.claude</c>: the ids a row's agent cleared, oldest first, separated by spaces.</summary>
    public const string Key = "cleared_session_ids";

    public ClearedIdMutation(string session, string from, string to, DateTimeOffset now)
        : base(session)
    {
        From = from;
        To = to;
        Now = now;
    }

    public string From { get; }

    public string To { get; }

    public DateTimeOffset Now { get; }

    public override MutationOutcome Apply(Registry current)
    {
        var row = current.Find(Session);
        if (row is null)
        {
            return MutationOutcome.Skip("the row was removed meanwhile");
        }

        if (string.Equals(row.ClaudeSessionIdOwn, To, StringComparison.Ordinal))
        {
            return MutationOutcome.FoundDone("the id was moved meanwhile");
        }

        if (!string.Equals(row.ClaudeSessionIdOwn, From, StringComparison.Ordinal))
        {
            return MutationOutcome.Skip($"the id was set meanwhile to {row.ClaudeSessionIdOwn ?? "null"}");
        }

        if (new IdOwners(current).UsedByOther(To, Session))
        {
            return MutationOutcome.Skip("another row took this id meanwhile");
        }

        if (!row.AgentIdentities.TryGetValue("claude", out var claude) || claude is null)
        {
            row.AgentIdentities["claude"] = claude = new Dictionary<string, string?>(StringComparer.Ordinal);
        }

        var kept = claude.TryGetValue(Key, out var list) && !string.IsNullOrWhiteSpace(list) ? list.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList() : [];
        if (!kept.Contains(From, StringComparer.Ordinal))
        {
            kept.Add(From);
        }

        claude[Key] = string.Join(' ', kept);
        row.ClaudeSessionIdOwn = To;
        row.UpdatedAt = Now;
        return MutationOutcome.Done;
    }
}
