namespace AgentSessions.Reconcile;

/// <summary>
/// The kinds of drift between the registry and the live state. The JSON report spells each as
/// its one-letter code (<c>"A"</c> … <c>"E"</c>).
/// </summary>
public enum DriftClass
{
    /// <summary>A: the row says <c>running</c> but its tmux session is gone; the row is marked <c>terminated</c>.</summary>
    TmuxGone,

    /// <summary>B: a tmux session named like this workspace's agents is alive with no row; a row is registered.</summary>
    Unregistered,

    /// <summary>C: a row's own session id was empty and its transcript or conversation appeared; the id is filled in.</summary>
    IdMaterialized,

    /// <summary>D: an id in the row points at a transcript or conversation that is gone; reported, nothing changed.</summary>
    StaleId,

    /// <summary>E: a row in an end state still has a live tmux session past the grace window; reported, never revived.</summary>
    EndStateAlive,

    /// <summary>
    /// F: a running row's agent needs its human: waiting (permission or question) longer than
    /// <see cref="ReconcilerOptions.AttentionAfter"/>, limited (usage limit, API error) or wedged;
    /// reported once per episode, nothing changed.
    /// </summary>
    NeedsAttention,
}
