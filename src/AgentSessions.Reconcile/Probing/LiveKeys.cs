namespace AgentSessions.Reconcile;

/// <summary>
/// The keys of the built-in sources' observations in a <see cref="LiveState"/>: what an
/// <see cref="ISessionProbe"/> of your own (or a fake) fills in besides tmux.
/// </summary>
public static class LiveKeys
{
    /// <summary>Gets Claude Code's transcripts: per working directory looked at, and which recorded session ids have one. Unknown: every id undecided.</summary>
    public static ObservationKey<AgentFiles> Claude { get; } = new("Claude", AgentFiles.Unknown);

    /// <summary>Gets agy's conversations, resolved per working directory, and which recorded conversation ids have a file. Unknown: every id undecided.</summary>
    public static ObservationKey<AgentFiles> Agy { get; } = new("agy", AgentFiles.Unknown);

    /// <summary>
    /// Gets, for working directories of live sessions not in the registry, the nearest folder at or
    /// above each that holds its own <c>.hermes/agent-sessions.yaml</c> (absent: none). A session
    /// working under another workspace belongs to that workspace.
    /// </summary>
    public static ObservationKey<IReadOnlyDictionary<string, string>> RegistryRoots { get; } =
        new("registry roots", _ => new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>
    /// Gets the recorded pane pids of running rows whose process is still alive and runs the
    /// recorded command, looked up only when no tmux server answered: those sessions live on
    /// another server (a wrong socket?), so they are unknown, not gone.
    /// </summary>
    public static ObservationKey<IReadOnlySet<long>> PanesAliveWithoutServer { get; } =
        new("pane processes", _ => new HashSet<long>());

    /// <summary>
    /// Gets the sockets, other than the one this pass asked, that running rows whose session is not
    /// there were last seen on (<c>pane.socket</c>) and that still exist: a server may still listen
    /// there (a wrong socket?), so those rows are unknown, not gone.
    /// </summary>
    public static ObservationKey<IReadOnlySet<string>> OtherSocketsPresent { get; } =
        new("other sockets", _ => new HashSet<string>(StringComparer.Ordinal));

    /// <summary>
    /// Gets, for registry rows whose tmux session is alive, whether their agent needs its human and
    /// the evidence (hook record, per-process file, transcript tail, pane text; docs/attention.md).
    /// Unknown (or not observed, <see cref="SessionProbeOptions.ObserveAttention"/>): empty, every row undecided.
    /// </summary>
    public static ObservationKey<IReadOnlyDictionary<string, SessionAttention>> Attention { get; } =
        new("attention", _ => new Dictionary<string, SessionAttention>(StringComparer.Ordinal));
}
