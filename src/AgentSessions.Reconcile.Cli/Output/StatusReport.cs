namespace AgentSessions.Reconcile.Cli.Output;

/// <summary>Whether a session's tmux session is there.</summary>
internal enum Liveness
{
    /// <summary>tmux has the session.</summary>
    Alive,

    /// <summary>tmux was asked and does not have it.</summary>
    Gone,

    /// <summary>tmux could not be asked.</summary>
    Unknown,
}

/// <summary>One line of <c>agent-sessions status</c>.</summary>
internal sealed record StatusRow(
    string Name,
    bool Registered,
    string? Status,
    string? LastVisibleStatus,
    Liveness Live,
    long? PanePid,
    string? PaneCommand,
    string? PaneCwd,
    bool PaneIsLive,
    string? ClaudeSessionIdOwn,
    string? AgySessionIdOwn,
    Running.LastDrift? LastDrift,
    SessionAttention? Attention = null);

/// <summary>What <c>agent-sessions status</c> shows.</summary>
internal sealed record StatusReport(
    string Workspace,
    string WorkspaceRoot,
    string RegistryPath,
    bool RegistryExists,
    bool TmuxKnown,
    string? TmuxReason,
    IReadOnlyList<StatusRow> Rows);

/// <summary>Joins the registry, a tmux snapshot and the coalescing state into status rows.</summary>
internal static class StatusBuilder
{
    /// <summary>Builds the report: every registry row in file order, then live tmux sessions named like this workspace's agents that have no row.</summary>
    public static StatusReport Build(
        Registry registry,
        TmuxState tmux,
        IReadOnlyDictionary<string, Running.LastDrift> lastDrifts,
        string workspace,
        string workspaceRoot,
        string registryPath,
        bool registryExists,
        IReadOnlyDictionary<string, SessionAttention>? attention = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(tmux);
        ArgumentNullException.ThrowIfNull(lastDrifts);
        var rows = new List<StatusRow>(registry.Sessions.Count);
        foreach (var row in registry.Sessions)
        {
            // The reconciler's lookup: by the row's name, or the name tmux stores for it.
            var session = tmux.Find(row.Name);
            var live = !tmux.IsKnown ? Liveness.Unknown : session is not null ? Liveness.Alive : Liveness.Gone;
            var pane = session?.PrimaryPane;
            rows.Add(new StatusRow(
                row.Name,
                Registered: true,
                Status: Word(row.Status),
                LastVisibleStatus: Word(row.LastVisibleStatus),
                Live: live,
                PanePid: pane is not null ? pane.Pid : row.Pane?.Pid,
                PaneCommand: pane is not null ? pane.CurrentCommand : row.Pane?.Cmd,
                PaneCwd: pane is not null ? pane.CurrentPath : row.Pane?.Cwd,
                PaneIsLive: pane is not null,
                row.ClaudeSessionIdOwn,
                row.AgySessionIdOwn,
                lastDrifts.GetValueOrDefault(row.Name),
                attention?.GetValueOrDefault(row.Name)));
        }

        // The reconciler's B candidates: named like this workspace's agents (either spelling), no row.
        foreach (var session in tmux.FindUnregistered(registry, workspace))
        {
            var pane = session.PrimaryPane;
            rows.Add(new StatusRow(
                session.Name,
                Registered: false,
                Status: null,
                LastVisibleStatus: null,
                Live: Liveness.Alive,
                PanePid: pane?.Pid,
                PaneCommand: pane?.CurrentCommand,
                PaneCwd: pane?.CurrentPath,
                PaneIsLive: pane is not null,
                ClaudeSessionIdOwn: null,
                AgySessionIdOwn: null,
                lastDrifts.GetValueOrDefault(session.Name)));
        }

        return new StatusReport(workspace, workspaceRoot, registryPath, registryExists, tmux.IsKnown, tmux.UnknownReason, rows);
    }

    /// <summary>The registry's spelling of a status.</summary>
    public static string? Word(SessionStatus? status) => status?.ToWord();

    /// <summary>The word for a liveness.</summary>
    public static string Word(Liveness live) => live switch
    {
        Liveness.Alive => "alive",
        Liveness.Gone => "gone",
        _ => "unknown",
    };
}
