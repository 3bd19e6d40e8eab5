namespace AgentSessions.Reconcile;

/// <summary>
/// Observes the live state of agent sessions: tmux, Claude Code transcripts and agy
/// conversations. Read-only: it never writes to a transcript, a conversation file or a tmux
/// session. A probe that cannot see reports <em>unknown</em>, never "dead".
/// </summary>
public interface ISessionProbe
{
    /// <summary>
    /// Observes everything one reconcile pass needs, in one answer: every tmux session and pane on
    /// the configured server (a single tmux process), the Claude transcripts written in the working
    /// directories of the registry's rows and of this workspace's unregistered sessions, agy's
    /// conversation for each of those directories, and whether each recorded id still has its file.
    /// A source that cannot be seen is unknown with a reason, never empty.
    /// </summary>
    /// <param name="registry">The registry as loaded: its rows say which directories and ids to look at.</param>
    /// <param name="workspace">The workspace name (the prefix of its agents' session names).</param>
    /// <param name="cancellationToken">A token to cancel the observation.</param>
    /// <returns>The live state; never throws for tmux or file failures.</returns>
    Task<LiveState> ObserveAsync(Registry registry, string workspace, CancellationToken cancellationToken = default);

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
/// <param name="succeeded">Whether the text was captured.</param>
/// <param name="text">The captured text, or <see langword="null"/>.</param>
/// <param name="failureReason">Why nothing was captured, or <see langword="null"/>.</param>
public sealed class PaneCapture(bool succeeded, string? text, string? failureReason)
{
    /// <summary>Gets a value indicating whether the text was captured.</summary>
    public bool Succeeded { get; } = succeeded;

    /// <summary>Gets the captured text, or <see langword="null"/>.</summary>
    public string? Text { get; } = text;

    /// <summary>Gets why nothing was captured, or <see langword="null"/>.</summary>
    public string? FailureReason { get; } = failureReason;
}
