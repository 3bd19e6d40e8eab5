namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// What the file probes look at for a registry and a tmux snapshot: the ids every row records,
/// the directories of live rows still without their own id, and the directories of this
/// workspace's unregistered sessions. The probe's own business: the diff never asks.
/// </summary>
internal static class ObservationScope
{
    public static ArtifactRequest For(Registry registry, TmuxState tmux, string workspace)
    {
        var request = new ArtifactRequest();
        foreach (var row in registry.Sessions)
        {
            AddIfAny(request.ClaudeSessionIds, row.ClaudeSessionIdOwn);
            AddIfAny(request.ClaudeSessionIds, RowIds.Identity(row, RowIds.Claude, RowIds.ClaudeIdField));
            AddIfAny(request.AgyConversationIds, row.AgySessionIdOwn);
            AddIfAny(request.AgyConversationIds, RowIds.Identity(row, RowIds.Agy, RowIds.AgyIdField));
            if (!row.IsInEndState && row.Cwd is { Length: > 0 } cwd)
            {
                var agent = SessionName.AgentOf(row, workspace);
                if (RowIds.IsClaude(agent) && string.IsNullOrEmpty(row.ClaudeSessionIdOwn))
                {
                    request.Cwds.Add(cwd);
                }
                else if (RowIds.IsAgy(agent) && string.IsNullOrEmpty(row.AgySessionIdOwn))
                {
                    request.AgyCwds.Add(cwd);
                }
            }
        }

        foreach (var session in SessionName.FindUnregistered(registry, tmux, workspace))
        {
            if (session.PrimaryPane?.CurrentPath is not { Length: > 0 } cwd || !SessionName.TryParse(session.Name, workspace, out var name))
            {
                continue;
            }

            request.CandidateCwds.Add(cwd);
            if (RowIds.IsClaude(name.Agent))
            {
                request.Cwds.Add(cwd);
            }
            else if (RowIds.IsAgy(name.Agent))
            {
                request.AgyCwds.Add(cwd);
            }
        }

        return request;
    }

    private static void AddIfAny(ISet<string> set, string? id)
    {
        if (!string.IsNullOrEmpty(id))
        {
            set.Add(id);
        }
    }
}
