namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// B: a live tmux session named like one of this workspace's agents (as typed or as tmux stores the
/// name) that no row names is registered as running, with the ids its agent already wrote (C). A
/// session working under another folder with its own registry belongs to that workspace.
/// </summary>
internal static class UnregisteredRule
{
    public static void Plan(DiffContext diff)
    {
        foreach (var session in SessionName.FindUnregistered(diff.Registry, diff.Tmux, diff.Options.Workspace))
        {
            var pane = session.PrimaryPane;
            if (BelongsElsewhere(diff, pane?.CurrentPath) || !SessionName.TryParse(session.Name, diff.Options.Workspace, out var name))
            {
                continue;
            }

            var template = new SessionRow(session.Name)
            {
                Agent = name.Agent,
                Project = name.Project,
                Cwd = pane?.CurrentPath,
                Status = SessionStatus.Running,
                LastVisibleStatus = SessionStatus.Running,
                LastVisibleNote = "auto-registered",

                // The session's creation time, so that a transcript it already wrote is picked up in this same pass.
                CreatedAt = session.Created ?? diff.Now,
                UpdatedAt = diff.Now,
                Pane = pane is null ? null : new PaneInfo { Pid = pane.Pid, Cmd = pane.CurrentCommand, Cwd = pane.CurrentPath, Socket = diff.Tmux.SocketPath, Id = pane.Id },
            };
            var register = new RegisterMutation(template);
            diff.Drifts.Add(new PlannedDrift(
                DriftClass.Unregistered,
                template.Name,
                new DriftKey(DriftClass.Unregistered, template.Name),
                $"{template.Name}: tmux found but not in YAML.",
                "status",
                null,
                "running",
                register));
            IdMaterializedRule.Plan(diff, template.Name, template.Agent, template.Cwd, template.CreatedAt, null, null, register);
        }
    }

    private static bool BelongsElsewhere(DiffContext diff, string? cwd) =>
        cwd is not null
        && diff.Options.WorkspaceRoot is { } root
        && diff.Live.RegistryRoots.TryGetValue(cwd, out var owner)
        && !string.Equals(AgentFiles.NormalizePath(owner), AgentFiles.NormalizePath(root), StringComparison.Ordinal);
}
