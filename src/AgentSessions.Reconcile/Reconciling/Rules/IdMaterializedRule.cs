namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>
/// C: a live row without its own id gets the conversation its agent wrote in the row's folder: the
/// newest one written after the row was created whose id no other row uses. A row without
/// <c>created_at</c> takes one only when it is the single candidate (anything else is a guess).
/// It needs its agent's files listed in the folders of such rows and of this workspace's
/// unregistered sessions (B registers those, and this rule fills their ids in the same pass).
/// A Claude id bound to the process in the row's pane wins over the newest transcript
/// (<see cref="BoundIds"/>, from <see cref="LiveKeys.Attention"/>).
/// </summary>
internal sealed class IdMaterializedRule() : DriftRule(IdMaterialized)
{
    public static readonly DriftClass IdMaterialized = new('C', "IdMaterialized", keyNamesField: true);

    public override void Need(ObservationNeeds needs)
    {
        needs.Of(LiveKeys.Attention);
        foreach (var row in needs.Registry.Sessions)
        {
            if (Lacking(row, SessionName.AgentOf(row, needs.Workspace)) is { } ids)
            {
                needs.Of(ids.Key).Cwds.Add(row.Cwd!);
            }
        }

        foreach (var session in needs.Unregistered)
        {
            if (session.PrimaryPane?.CurrentPath is { Length: > 0 } cwd && SessionName.TryParse(session.Name, needs.Workspace, out var name)
                && AgentIds.Of(name.Agent) is { } ids)
            {
                needs.Of(ids.Key).Cwds.Add(cwd);
            }
        }
    }

    public override void Plan(DiffContext diff, SessionRow row)
    {
        if (!row.IsInEndState && BoundIds.Plan(this, diff, row))
        {
            return;
        }

        Fill(diff, row, SessionName.AgentOf(row, diff.Options.Workspace), dependsOn: null);
    }

    /// <summary>Says which Claude ids are bound to more than one live row (none of them takes it).</summary>
    public override void PlanPass(DiffContext diff) => BoundIds.ReportShared(diff);

    /// <summary>Fills a row's own id (for a row B is registering, after its registration).</summary>
    public void Fill(DiffContext diff, SessionRow row, string? agent, RegistryMutation? dependsOn)
    {
        if (Lacking(row, agent) is not { } ids || Pick(diff, row.Name, diff.Live.Get(ids.Key).In(row.Cwd!), row.CreatedAt) is not { } id)
        {
            return;
        }

        diff.Claimed.Add(id);
        var fill = new FillOwnIdMutation(row.Name, ids, id, diff.Now) { DependsOn = dependsOn };
        diff.Drifts.Add(Drift(row.Name, $"{row.Name}: session id materialized {id}.", ids.OwnField, null, id, fill));
    }

    /// <summary>The agent whose own id a live row with a folder still lacks (a stopped or terminated row keeps its ids; resuming needs them).</summary>
    private static AgentIds? Lacking(SessionRow row, string? agent) =>
        !row.IsInEndState && row.Cwd is { Length: > 0 } && AgentIds.Of(agent) is { } ids && string.IsNullOrEmpty(ids.Own(row)) ? ids : null;

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
