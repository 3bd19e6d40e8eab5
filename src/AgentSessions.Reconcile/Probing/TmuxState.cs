namespace AgentSessions.Reconcile;

/// <summary>
/// One snapshot of a tmux server: every session with its panes, or "unknown" with a reason
/// when tmux could not be asked. Code that acts on tmux liveness must do nothing when
/// <see cref="IsKnown"/> is <see langword="false"/>.
/// </summary>
public sealed class TmuxState
{
    private readonly Dictionary<string, TmuxSession> _sessions;

    private TmuxState(bool isKnown, string? unknownReason, Dictionary<string, TmuxSession> sessions, string? socketPath, bool noServer = false)
    {
        IsKnown = isKnown;
        UnknownReason = unknownReason;
        _sessions = sessions;
        Sessions = sessions;
        SocketPath = socketPath;
        IsNoServer = noServer;
    }

    /// <summary>Gets a value indicating whether the snapshot is real (including "no server": zero sessions).</summary>
    public bool IsKnown { get; }

    /// <summary>Gets why the state is unknown (tmux missing, timed out, permission denied …), or <see langword="null"/>.</summary>
    public string? UnknownReason { get; }

    /// <summary>Gets the live sessions by their stored tmux name; empty when unknown.</summary>
    public IReadOnlyDictionary<string, TmuxSession> Sessions { get; }

    /// <summary>Gets the socket of the server that was asked, when the probe knows it.</summary>
    public string? SocketPath { get; }

    /// <summary>
    /// Gets a value indicating whether no server answered on the socket ("no server running"): known,
    /// zero sessions. Right after a reboot; but also what a mistyped socket looks like.
    /// </summary>
    public bool IsNoServer { get; }

    /// <summary>Creates a known snapshot.</summary>
    /// <param name="sessions">The live sessions.</param>
    /// <param name="socketPath">The socket of the server asked, when known.</param>
    /// <returns>The snapshot.</returns>
    public static TmuxState Known(IEnumerable<TmuxSession> sessions, string? socketPath = null)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        return new TmuxState(true, null, sessions.GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal), socketPath);
    }

    /// <summary>Creates the snapshot of a socket where no server answers: known, with zero sessions.</summary>
    /// <param name="socketPath">The socket asked, when known.</param>
    /// <returns>The snapshot.</returns>
    public static TmuxState NoServer(string? socketPath = null) =>
        new(true, null, new Dictionary<string, TmuxSession>(StringComparer.Ordinal), socketPath, noServer: true);

    /// <summary>Creates an unknown snapshot.</summary>
    /// <param name="reason">One sentence that says why tmux could not be asked.</param>
    /// <param name="socketPath">The socket asked, when known.</param>
    /// <returns>The snapshot.</returns>
    public static TmuxState Unknown(string reason, string? socketPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new TmuxState(false, reason, new Dictionary<string, TmuxSession>(StringComparer.Ordinal), socketPath);
    }

    /// <summary>
    /// Finds the live session of a registry row: by its name, or by the name tmux stores for it
    /// (<c>.</c> and <c>:</c> become <c>_</c>).
    /// </summary>
    /// <param name="name">The row's session name.</param>
    /// <returns>The session, or <see langword="null"/> when it is not there (or the state is unknown).</returns>
    public TmuxSession? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_sessions.TryGetValue(name, out var session) || _sessions.Count == 0 || name.AsSpan().IndexOfAny('.', ':') < 0)
        {
            return session;
        }

        // The stored name is looked up without making it: a pass asks this for every row (20,000 strings at 20,000 rows).
        Span<char> stored = name.Length <= MaxStackName ? stackalloc char[name.Length] : new char[name.Length];
        ToStored(name, stored);
        return _sessions.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(stored, out session) ? session : null;
    }

    /// <summary>The longest name whose stored form is made on the stack.</summary>
    internal const int MaxStackName = 256;

    /// <summary>Writes the name tmux stores for <paramref name="name"/> (<c>.</c> and <c>:</c> become <c>_</c>) into <paramref name="stored"/>, as long as the name.</summary>
    internal static void ToStored(ReadOnlySpan<char> name, Span<char> stored)
    {
        name.Replace(stored, '.', '_');
        stored.Replace(':', '_');
    }

    /// <summary>
    /// The live sessions named like a workspace's agents (<c>&lt;workspace&gt;-[&lt;project&gt;-]creator-&lt;agent&gt;</c>,
    /// as typed or as tmux stores the name) that no registry row names, in name order; none when
    /// tmux is unknown. What a status view lists after the rows, and what drift B registers.
    /// </summary>
    /// <param name="registry">The registry.</param>
    /// <param name="workspace">The workspace name.</param>
    /// <returns>The unregistered sessions.</returns>
    public IReadOnlyList<TmuxSession> FindUnregistered(Registry registry, string workspace) => SessionName.FindUnregistered(registry, this, workspace);

    /// <summary>A copy of this snapshot that names the socket asked.</summary>
    internal TmuxState WithSocket(string? socketPath) =>
        new(IsKnown, UnknownReason, _sessions, socketPath, IsNoServer);
}

/// <summary>A live tmux session.</summary>
/// <param name="name">The session name as tmux stores it (its key).</param>
/// <param name="created">When the session was created (<c>session_created</c>), when known.</param>
/// <param name="panes">The session's panes, in tmux's order.</param>
public sealed class TmuxSession(string name, DateTimeOffset? created, IReadOnlyList<TmuxPane> panes)
{
    /// <summary>Gets the session name as tmux stores it (its key).</summary>
    public string Name { get; } = name;

    /// <summary>Gets when the session was created (<c>session_created</c>), when known.</summary>
    public DateTimeOffset? Created { get; } = created;

    /// <summary>Gets the session's panes, in tmux's order.</summary>
    public IReadOnlyList<TmuxPane> Panes { get; } = panes;

    /// <summary>Gets the active pane of the active window, or else the first pane, or <see langword="null"/>.</summary>
    public TmuxPane? PrimaryPane => Panes.FirstOrDefault(p => p.IsActive) ?? (Panes.Count > 0 ? Panes[0] : null);
}

/// <summary>A live tmux pane.</summary>
/// <param name="windowIndex">The window index.</param>
/// <param name="paneIndex">The pane index within the window.</param>
/// <param name="pid">The pid of the pane's first process (<c>pane_pid</c>).</param>
/// <param name="currentCommand">The foreground process name (<c>pane_current_command</c>): a hint, not proof.</param>
/// <param name="currentPath">The foreground process's working directory (<c>pane_current_path</c>).</param>
/// <param name="windowActivity">When the window last had output (<c>window_activity</c>).</param>
/// <param name="isActive">Whether this is the active pane of the session's active window.</param>
/// <param name="isDead">Whether the pane's process exited (<c>pane_dead</c>, only with <c>remain-on-exit</c>).</param>
public sealed class TmuxPane(
    int windowIndex,
    int paneIndex,
    long? pid,
    string? currentCommand,
    string? currentPath,
    DateTimeOffset? windowActivity,
    bool isActive,
    bool isDead)
{
    private readonly Lazy<(string? Command, string? Path)> _current = new(() => (currentCommand, currentPath));

    /// <summary>A live pane whose command and path are read when first asked (<see cref="Probing.TmuxPaneForeground"/>).</summary>
    internal TmuxPane(int windowIndex, int paneIndex, long? pid, Func<(string? Command, string? Path)> current, DateTimeOffset? windowActivity, bool isActive, bool isDead)
        : this(windowIndex, paneIndex, pid, null, null, windowActivity, isActive, isDead) => _current = new(current);

    /// <summary>Gets the window index.</summary>
    public int WindowIndex { get; } = windowIndex;

    /// <summary>Gets the pane index within the window.</summary>
    public int PaneIndex { get; } = paneIndex;

    /// <summary>Gets the pid of the pane's first process (<c>pane_pid</c>).</summary>
    public long? Pid { get; } = pid;

    /// <summary>
    /// Gets the foreground process name (<c>pane_current_command</c>): a hint, not proof. A probe reads a live
    /// pane's from <c>/proc</c> when first asked, as tmux finds it; <see langword="null"/> when that read fails.
    /// </summary>
    public string? CurrentCommand => _current.Value.Command;

    /// <summary>Gets the foreground process's working directory (<c>pane_current_path</c>), read like <see cref="CurrentCommand"/>.</summary>
    public string? CurrentPath => _current.Value.Path;

    /// <summary>Gets when the window last had output (<c>window_activity</c>).</summary>
    public DateTimeOffset? WindowActivity { get; } = windowActivity;

    /// <summary>Gets a value indicating whether this is the active pane of the session's active window.</summary>
    public bool IsActive { get; } = isActive;

    /// <summary>Gets a value indicating whether the pane's process exited (<c>pane_dead</c>, only with <c>remain-on-exit</c>).</summary>
    public bool IsDead { get; } = isDead;

    /// <summary>Gets the pane's id, unique on its server for the server's life (<c>pane_id</c>, for example <c>%3</c>), when known.</summary>
    public string? Id { get; init; }
}
