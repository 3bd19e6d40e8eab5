namespace AgentSessions.Reconcile;

/// <summary>Where <see cref="SessionProbe"/> looks: the tmux server, the home and Claude folders.</summary>
public sealed class SessionProbeOptions
{
    /// <summary>
    /// Gets or sets the tmux server's socket name (<c>tmux -L name</c>).
    /// Mutually exclusive with <see cref="TmuxSocketPath"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the default server (with <c>TMUX</c> cleared).</value>
    public string? TmuxSocketName { get; set; }

    /// <summary>
    /// Gets or sets the tmux server's socket path (<c>tmux -S path</c>).
    /// Mutually exclusive with <see cref="TmuxSocketName"/>.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the default server (with <c>TMUX</c> cleared).</value>
    public string? TmuxSocketPath { get; set; }

    /// <summary>Gets or sets the tmux executable: a path, or a name looked up on <c>PATH</c>.</summary>
    /// <value>The default is <c>tmux</c>.</value>
    public string TmuxExecutable { get; set; } = "tmux";

    /// <summary>Gets or sets how long one tmux call may take before it is killed and the state is unknown.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan TmuxTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the home directory under which <c>.claude</c> and <c>.gemini</c> are found.</summary>
    /// <value>The default is <see langword="null"/>: <c>$HOME</c>.</value>
    public string? HomeDirectory { get; set; }

    /// <summary>Gets or sets Claude Code's configuration directory (the parent of <c>projects/</c>).</summary>
    /// <value>The default is <see langword="null"/>: <c>$CLAUDE_CONFIG_DIR</c>, or else <c>~/.claude</c>.</value>
    public string? ClaudeConfigDirectory { get; set; }

    /// <summary>Gets or sets the most bytes read from the head of each transcript.</summary>
    /// <value>The default is 65536 (64 KiB), as Claude's own SDK reads.</value>
    public int TranscriptHeadBytes { get; set; } = 65536;

    /// <summary>
    /// Gets or sets a value indicating whether to observe each live row's attention state
    /// (<see cref="LiveKeys.Attention"/>): hook records, Claude's per-process files, transcript tails,
    /// and a pane read at most once a minute for a row nothing else explains.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool ObserveAttention { get; set; } = true;

    /// <summary>Gets or sets how long a working agent may show no hook event and no transcript growth before it is <c>wedged</c>.</summary>
    /// <value>The default is 15 minutes.</value>
    public TimeSpan WedgedAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>What is wrong with these options, one sentence each (the probe refuses them; a host's validation names them).</summary>
    internal List<string> Problems()
    {
        List<string?> problems =
        [
            TmuxClient.SocketProblem(TmuxSocketName, TmuxSocketPath),
            string.IsNullOrWhiteSpace(TmuxExecutable) ? "TmuxExecutable must name an executable." : null,
            TmuxTimeout <= TimeSpan.Zero ? $"TmuxTimeout must be positive (it is {TmuxTimeout})." : null,
            WedgedAfter <= TimeSpan.Zero ? $"WedgedAfter must be positive (it is {WedgedAfter})." : null,
            TranscriptHeadBytes <= 0 ? $"TranscriptHeadBytes must be positive (it is {TranscriptHeadBytes})." : null,
        ];
        return [.. problems.OfType<string>()];
    }
}
