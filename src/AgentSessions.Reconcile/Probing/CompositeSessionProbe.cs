using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// The default <see cref="ISessionProbe"/>: one tmux process, then what the rules need of each
/// registered source (<see cref="ObservationNeeds"/>), in one answer.
/// </summary>
internal sealed class CompositeSessionProbe(TmuxSessionProbe tmux, IReadOnlyList<ILiveSource> sources, IReadOnlyList<DriftRule> rules) : ISessionProbe
{
    public async Task<LiveState> ObserveAsync(Registry registry, string workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(workspace);
        var tmuxState = await tmux.ProbeAsync(cancellationToken).ConfigureAwait(false);
        var needs = ObservationNeeds.For(registry, tmuxState, workspace, rules);
        var live = new LiveState(tmuxState);
        foreach (var source in sources)
        {
            live = await source.ObserveAsync(needs, live, cancellationToken).ConfigureAwait(false);
        }

        return live;
    }

    public Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken = default) =>
        tmux.CapturePaneAsync(sessionName, lines, cancellationToken);
}
