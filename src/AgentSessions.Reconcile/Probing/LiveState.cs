namespace AgentSessions.Reconcile;

/// <summary>
/// Everything one reconcile pass observed, in one answer from <see cref="ISessionProbe.ObserveAsync"/>:
/// tmux, Claude Code's transcripts and agy's conversations, each known or unknown with a reason.
/// </summary>
/// <param name="Tmux">The tmux snapshot.</param>
/// <param name="Claude">Claude Code's transcripts: per working directory, and which recorded ids have one.</param>
/// <param name="Agy">agy's conversations, already resolved per working directory, and which recorded ids have one.</param>
public sealed record LiveState(TmuxState Tmux, AgentFiles Claude, AgentFiles Agy)
{
    /// <summary>
    /// Gets, for working directories of live sessions not in the registry, the nearest folder at
    /// or above each that holds its own <c>.hermes/agent-sessions.yaml</c> (absent: none). A
    /// session working under another workspace belongs to that workspace.
    /// </summary>
    public IReadOnlyDictionary<string, string> RegistryRoots { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the recorded pane pids of running rows whose process is still alive and runs the
    /// recorded command, looked up only when no tmux server answered: those sessions live on
    /// another server (a wrong socket?), so they are unknown, not gone.
    /// </summary>
    public IReadOnlySet<long> PanesAliveWithoutServer { get; init; } = new HashSet<long>();

    /// <summary>
    /// Gets the sockets, other than the one this pass asked, that running rows whose session is not
    /// there were last seen on (<c>pane.socket</c>) and that still exist: a server may still listen
    /// there (a wrong socket?), so those rows are unknown, not gone. A socket not in the set is gone
    /// (a reboot); those rows are terminated as usual.
    /// </summary>
    public IReadOnlySet<string> OtherSocketsPresent { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets, for registry rows whose tmux session is alive, whether their agent needs its human and
    /// the evidence (hook record, per-process file, transcript tail, pane text; docs/attention.md).
    /// Empty when attention is not observed (<see cref="SessionProbeOptions.ObserveAttention"/>).
    /// </summary>
    public IReadOnlyDictionary<string, SessionAttention> Attention { get; init; } = new Dictionary<string, SessionAttention>(StringComparer.Ordinal);
}
