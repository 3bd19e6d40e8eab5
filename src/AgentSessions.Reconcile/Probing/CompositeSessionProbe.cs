using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// The default <see cref="ISessionProbe"/>: one tmux process, then what the rules need of each
/// registered source (<see cref="ObservationNeeds"/>), in one answer.
/// </summary>
internal sealed class CompositeSessionProbe(TmuxSessionProbe tmux, IReadOnlyList<ILiveSource> sources, IReadOnlyList<DriftRule> rules) : ISessionProbe
{
    public Task<LiveState> ObserveAsync(Registry registry, string workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(workspace);
        return ObserveAsync(registry, workspace, tmux.ProbeAsync(cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Starts this pass's one tmux call on the thread pool and returns at once: it does not depend on
    /// the registry, so the reconciler starts it before the registry is read and hands it to
    /// <see cref="ObserveAsync(Registry, string, Task{TmuxState}, CancellationToken)"/>.
    /// </summary>
    internal Task<TmuxState> StartTmux(CancellationToken cancellationToken) =>
        Task.Run(() => tmux.ProbeAsync(cancellationToken), cancellationToken);

    /// <summary>Observes with a tmux snapshot already under way (<see cref="StartTmux"/>).</summary>
    internal async Task<LiveState> ObserveAsync(Registry registry, string workspace, Task<TmuxState> tmuxSnapshot, CancellationToken cancellationToken)
    {
        var tmuxState = await tmuxSnapshot.ConfigureAwait(false);
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
