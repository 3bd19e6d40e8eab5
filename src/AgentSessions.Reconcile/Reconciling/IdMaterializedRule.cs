namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// C: a live row without its own id gets the conversation its agent wrote in the row's folder: the
/// newest one written after the row was created whose id no other row uses. A row without
/// <c>created_at</c> takes one only when it is the single candidate (anything else is a guess).
/// </summary>
internal static class IdMaterializedRule
{
    public static void Plan(
        DiffContext diff,
        string session,
        string? agent,
        string? cwd,
        DateTimeOffset? createdAt,
        string? claudeOwn,
        string? agyOwn,
        RegistryMutation? dependsOn)
    {
        if (cwd is not { Length: > 0 })
        {
            return;
        }

        if (RowIds.IsClaude(agent) && string.IsNullOrEmpty(claudeOwn))
        {
            Fill(diff, session, cwd, createdAt, diff.Live.Claude, OwnIdKind.Claude, DriftDiff.ClaudeOwnField, dependsOn);
        }
        else if (RowIds.IsAgy(agent) && string.IsNullOrEmpty(agyOwn))
        {
            Fill(diff, session, cwd, createdAt, diff.Live.Agy, OwnIdKind.Agy, DriftDiff.AgyOwnField, dependsOn);
        }
    }

    private static void Fill(DiffContext diff, string session, string cwd, DateTimeOffset? createdAt, AgentFiles files, OwnIdKind kind, string field, RegistryMutation? dependsOn)
    {
        if (Pick(diff, session, files.In(cwd), createdAt) is not { } id)
        {
            return;
        }

        diff.Claimed.Add(id);
        diff.Drifts.Add(new PlannedDrift(
            DriftClass.IdMaterialized,
            session,
            new DriftKey(DriftClass.IdMaterialized, session, field),
            $"{session}: session id materialized {id}.",
            field,
            null,
            id,
            new FillOwnIdMutation(session, kind, id, diff.Now) { DependsOn = dependsOn }));
    }

    private static string? Pick(DiffContext diff, string session, IReadOnlyList<AgentConversation> newestFirst, DateTimeOffset? createdAt)
    {
        string? best = null;
        var matching = 0;
        foreach (var conversation in newestFirst)
        {
            if (createdAt is { } created && conversation.LastWrite <= created)
            {
                continue;
            }

            // Counted before the "used elsewhere" filter, so the decision for a row without
            // created_at does not change once other rows have taken their ids (a second pass
            // must find nothing new).
            matching++;
            if (best is null && !diff.Claimed.Contains(conversation.Id) && !diff.Owners.UsedByOther(conversation.Id, session))
            {
                best = conversation.Id;
            }
        }

        return createdAt is null && matching != 1 ? null : best;
    }
}
