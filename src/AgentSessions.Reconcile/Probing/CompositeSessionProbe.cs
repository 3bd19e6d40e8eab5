namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// The default <see cref="ISessionProbe"/>: one tmux process, then the files the registry and the
/// unregistered sessions need (Claude, agy, which workspace a session works in), in one answer.
/// </summary>
internal sealed class CompositeSessionProbe : ISessionProbe
{
    private readonly TmuxSessionProbe tmux;
    private readonly ClaudeTranscriptProbe claude;
    private readonly AgyConversationProbe agy;
    private readonly ProbeSettings settings;

    public CompositeSessionProbe(TmuxSessionProbe tmux, ClaudeTranscriptProbe claude, AgyConversationProbe agy, ProbeSettings settings)
    {
        this.tmux = tmux;
        this.claude = claude;
        this.agy = agy;
        this.settings = settings;
    }

    public async Task<LiveState> ObserveAsync(Registry registry, string workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(workspace);
        var tmuxState = await tmux.ProbeAsync(cancellationToken).ConfigureAwait(false);
        var request = ObservationScope.For(registry, tmuxState, workspace);
        return new LiveState(
            tmuxState,
            Guard("Claude", () => claude.Observe(request, cancellationToken)),
            Guard("agy", () => agy.Observe(request, cancellationToken)))
        {
            RegistryRoots = RegistryRoots.Find(settings.FileSystem, request.CandidateCwds),
            PanesAliveWithoutServer = tmuxState.IsNoServer ? PaneProcesses.AliveRunningRecorded(settings, registry) : new HashSet<long>(),
            OtherSocketsPresent = PaneProcesses.OtherSocketsPresent(settings, registry, tmuxState),
        };
    }

    public Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken = default) =>
        tmux.CapturePaneAsync(sessionName, lines, cancellationToken);

    private static AgentFiles Guard(string source, Func<AgentFiles> observe)
    {
        try
        {
            return observe();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return AgentFiles.Unknown($"the {source} probe failed: {ex.Message}");
        }
    }
}
