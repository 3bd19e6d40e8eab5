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

    /// <summary>Gets the attention probe, or <see langword="null"/> when attention is not observed.</summary>
    public Attention.AttentionProbe? Attention { get; init; }

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
            Attention = Attention is null ? new Dictionary<string, SessionAttention>(StringComparer.Ordinal)
                : await Attention.ObserveAsync(registry, tmuxState, (name, ct) => CaptureTextAsync(name, ct), cancellationToken).ConfigureAwait(false),
        };
    }

    public Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken = default) =>
        tmux.CapturePaneAsync(sessionName, lines, cancellationToken);

    private async Task<string?> CaptureTextAsync(string tmuxName, CancellationToken cancellationToken) =>
        (await tmux.CapturePaneAsync(tmuxName, AgentSessions.Reconcile.Attention.PaneText.Lines, cancellationToken).ConfigureAwait(false)) is { Succeeded: true } capture ? capture.Text : null;

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
