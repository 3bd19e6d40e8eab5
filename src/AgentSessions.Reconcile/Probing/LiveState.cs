namespace AgentSessions.Reconcile;

/// <summary>Everything one reconcile pass observed: tmux and the agents' files.</summary>
/// <param name="Tmux">The tmux snapshot.</param>
/// <param name="Artifacts">The transcript and conversation files found.</param>
public sealed record LiveState(TmuxState Tmux, ArtifactState Artifacts);
