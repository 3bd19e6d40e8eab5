namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>Where the CLI looks: one workspace, one tmux server, the agents' homes.</summary>
/// <param name="WorkspaceRoot">The workspace root folder.</param>
/// <param name="TmuxSocketName">The tmux socket name (<c>-L</c>), or <see langword="null"/>.</param>
/// <param name="TmuxSocketPath">The tmux socket path (<c>-S</c>), or <see langword="null"/>.</param>
/// <param name="HomeDirectory">The home folder (<c>HOME</c>) under which agy keeps its files.</param>
/// <param name="ClaudeConfigDirectory">The Claude Code folder (<c>CLAUDE_CONFIG_DIR</c>, default <c>~/.claude</c>).</param>
/// <param name="StateDirectory">The coalescing-state folder (<c>AGENT_SESSIONS_STATE_DIR</c>), or <see langword="null"/> for the default.</param>
/// <param name="PollInterval">The fixed wait between passes (<c>--interval</c>, <c>RECONCILE_POLL_INTERVAL</c>), or <see langword="null"/> for the reconciler's rule.</param>
/// <param name="WedgedAfter">How long a working agent may show no progress before it is wedged (<c>--wedged-after</c>), or <see langword="null"/> for 15 min.</param>
/// <param name="AttentionAfter">How long a row may wait for its human before drift F (<c>--attention-after</c>), or <see langword="null"/> for 60 s.</param>
internal sealed record CliSettings(
    string WorkspaceRoot,
    string? TmuxSocketName,
    string? TmuxSocketPath,
    string? HomeDirectory,
    string? ClaudeConfigDirectory,
    string? StateDirectory,
    TimeSpan? PollInterval,
    TimeSpan? AttentionAfter = null,
    TimeSpan? WedgedAfter = null);

/// <summary>The library parts one command uses.</summary>
/// <param name="Store">The registry store.</param>
/// <param name="Probe">The live-state probe.</param>
/// <param name="Reconciler">The reconciler built on both.</param>
internal sealed record CliServices(IRegistryStore Store, ISessionProbe Probe, IReconciler Reconciler);

/// <summary>Builds the library parts; replaced by fakes in tests.</summary>
internal interface ICliServicesFactory
{
    /// <summary>Finds the workspace root above <paramref name="startDirectory"/>.</summary>
    /// <param name="startDirectory">Where to start.</param>
    /// <returns>The first folder that holds <c>.hermes/agent-sessions.yaml</c>, or <see langword="null"/>.</returns>
    string? FindWorkspaceRoot(string startDirectory);

    /// <summary>Builds the store, probe and reconciler for <paramref name="settings"/>.</summary>
    /// <param name="settings">Where to look.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The parts.</returns>
    CliServices Create(CliSettings settings, TimeProvider timeProvider);

    /// <summary>Reads the last reported drift of each session from the coalescing state.</summary>
    /// <param name="settings">Where to look.</param>
    /// <param name="workspaceName">The workspace name (the state file is named after it).</param>
    /// <returns>The last drift by session name; empty when there is no state.</returns>
    IReadOnlyDictionary<string, LastDrift> ReadLastDrifts(CliSettings settings, string workspaceName);
}
