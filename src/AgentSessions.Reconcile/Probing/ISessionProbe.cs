namespace AgentSessions.Reconcile;

/// <summary>
/// Observes the live state of agent sessions: tmux, Claude Code transcripts and agy
/// conversations. Read-only: it never writes to a transcript, a conversation file or a tmux
/// session. A probe that cannot see reports <em>unknown</em>, never "dead".
/// </summary>
public interface ISessionProbe
{
    /// <summary>
    /// Takes one snapshot of every tmux session and pane on the configured server with a single
    /// tmux process. "No server running" is a known state with zero sessions; tmux missing,
    /// timing out, refusing access or failing in any other way is <see cref="TmuxState.IsKnown"/> = <see langword="false"/>.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the probe.</param>
    /// <returns>The snapshot; never throws for tmux failures.</returns>
    Task<TmuxState> ProbeTmuxAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Looks at the files of Claude Code and agy for the given working directories and ids.
    /// Reads at most a bounded head of each transcript.
    /// </summary>
    /// <param name="request">The working directories and ids to look at.</param>
    /// <param name="cancellationToken">A token to cancel the probe.</param>
    /// <returns>What was found; unreadable places are reported as unknown, not missing.</returns>
    Task<ArtifactState> ProbeArtifactsAsync(ArtifactRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Captures the visible text of one session's active pane (<c>capture-pane -p -t =name:</c>),
    /// at most <paramref name="lines"/> lines. Only called for a row whose visible status must be refreshed.
    /// </summary>
    /// <param name="sessionName">The exact tmux session name.</param>
    /// <param name="lines">The number of lines to capture, counted back from the bottom.</param>
    /// <param name="cancellationToken">A token to cancel the capture.</param>
    /// <returns>The text, or a result that says why there is none.</returns>
    Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ISessionProbe.ProbeArtifactsAsync"/> should look at.</summary>
public sealed class ArtifactRequest
{
    /// <summary>Gets the working directories whose Claude transcripts and agy conversation should be listed.</summary>
    public ISet<string> Cwds { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the Claude session ids whose transcript's existence should be checked.</summary>
    public ISet<string> ClaudeSessionIds { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the agy conversation ids whose conversation file's existence should be checked.</summary>
    public ISet<string> AgyConversationIds { get; } = new HashSet<string>(StringComparer.Ordinal);
}

/// <summary>Whether an artifact (a transcript or conversation file) exists.</summary>
public enum ArtifactPresence
{
    /// <summary>The probe could not tell (unreadable folder, I/O error …). Never treat as missing.</summary>
    Unknown,

    /// <summary>The artifact exists.</summary>
    Present,

    /// <summary>The probe looked and the artifact is not there.</summary>
    Missing,
}

/// <summary>The result of one capture of a pane's visible text.</summary>
/// <param name="Succeeded">Whether the text was captured.</param>
/// <param name="Text">The captured text, or <see langword="null"/>.</param>
/// <param name="FailureReason">Why nothing was captured, or <see langword="null"/>.</param>
public sealed record PaneCapture(bool Succeeded, string? Text, string? FailureReason);
