namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>
/// B: a live tmux session named like one of this workspace's agents (as typed or as tmux stores the
/// name) that no row names is registered as running, with the ids its agent already wrote (C). A
/// session working under another folder with its own registry belongs to that workspace.
/// </summary>
internal sealed class UnregisteredRule() : DriftRule(Unregistered)
{
    public static readonly DriftClass Unregistered = new('B', "Unregistered", needsTmux: true);

    public override string Done => "Auto-registered.";

    public override string Would => "Would auto-register";

    /// <summary>Needs which workspace the folder of each of this workspace's unregistered sessions lies in.</summary>
    public override void Need(ObservationNeeds needs)
    {
        foreach (var session in needs.Unregistered)
        {
            if (session.PrimaryPane?.CurrentPath is { Length: > 0 } cwd)
            {
                needs.Of(LiveKeys.RegistryRoots).Cwds.Add(cwd);
            }
        }
    }

    public override void PlanPass(DiffContext diff)
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
            diff.Drifts.Add(Drift(template.Name, $"{template.Name}: tmux found but not in YAML.", "status", null, "running", register));
            foreach (var rule in diff.Rules)
            {
                (rule as IdMaterializedRule)?.Fill(diff, template, template.Agent, register);
            }
        }
    }

    private static bool BelongsElsewhere(DiffContext diff, string? cwd) =>
        cwd is not null
        && diff.Options.WorkspaceRoot is { } root
        && diff.Live.Get(LiveKeys.RegistryRoots).TryGetValue(cwd, out var owner)
        && !string.Equals(AgentFiles.NormalizePath(owner), AgentFiles.NormalizePath(root), StringComparison.Ordinal);
}
