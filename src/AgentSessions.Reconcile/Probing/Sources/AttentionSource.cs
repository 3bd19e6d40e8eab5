using AgentSessions.Reconcile.Attention;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// Attention (<see cref="LiveKeys.Attention"/>, docs/attention.md): for every registry row whose
/// tmux session is alive, whether its agent needs its human, from hook records, Claude's
/// per-process files, transcript tails and, last, a pane read at most once a minute per row (all of a
/// pass's pane reads in one tmux process)
/// (<see cref="AttentionProbe"/>, which keeps its caches between passes). Observed whether or not a
/// rule asked: <c>status</c> shows it for every live row. Registered only when
/// <see cref="SessionProbeOptions.ObserveAttention"/> is on.
/// </summary>
internal sealed class AttentionSource(AttentionProbe probe, TmuxSessionProbe tmux) : ILiveSource
{
    public async ValueTask<LiveState> ObserveAsync(ObservationNeeds needs, LiveState live, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, SessionAttention> seen;
        try
        {
            seen = await probe.ObserveAsync(needs.Registry, needs.Tmux, (names, ct) => tmux.CapturePanesAsync(names, PaneText.Lines, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            seen = LiveKeys.Attention.Unknown($"the {LiveKeys.Attention.Name} probe failed: {ex.Message}");
        }

        return live.With(LiveKeys.Attention, seen);
    }
}
