namespace AgentSessions.Reconcile.Probing;

/// <summary>The default <see cref="ISessionProbe"/>: tmux, Claude and agy probes side by side.</summary>
internal sealed class CompositeSessionProbe : ISessionProbe
{
    private readonly TmuxSessionProbe tmux;
    private readonly ClaudeTranscriptProbe claude;
    private readonly AgyConversationProbe agy;

    public CompositeSessionProbe(TmuxSessionProbe tmux, ClaudeTranscriptProbe claude, AgyConversationProbe agy)
    {
        this.tmux = tmux;
        this.claude = claude;
        this.agy = agy;
    }

    public Task<TmuxState> ProbeTmuxAsync(CancellationToken cancellationToken = default) =>
        tmux.ProbeAsync(cancellationToken);

    public Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken = default) =>
        tmux.CapturePaneAsync(sessionName, lines, cancellationToken);

    public Task<ArtifactState> ProbeArtifactsAsync(ArtifactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var claudeResult = claude.Probe(request, cancellationToken);
        var agyResult = agy.Probe(request, cancellationToken);
        return Task.FromResult(new ArtifactState(
            claudeResult.TranscriptsByCwd,
            claudeResult.SessionPresence,
            agyResult.LastConversations,
            agyResult.Conversations));
    }
}
