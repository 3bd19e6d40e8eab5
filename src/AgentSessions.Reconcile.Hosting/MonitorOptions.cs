namespace AgentSessions.Reconcile;

/// <summary>
/// Options of the agent-sessions monitor: the hosted worker that runs a reconcile pass every
/// interval (<see cref="DriftReport.RequeueAfter"/>, set with <see cref="ReconcilerOptions.PollInterval"/>), reports new drifts as one comment per pass on a kanban card, sends heartbeats, and
/// ends when a person comments <c>stop</c>. They are validated when the host starts.
/// </summary>
public sealed class MonitorOptions
{
    /// <summary>Gets or sets the time between two heartbeats (the first is sent by the first pass).</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the delay before the next pass after a kanban call failed; it doubles with each
    /// pass that fails again and never exceeds the last report's <see cref="DriftReport.RequeueAfter"/>.
    /// </summary>
    /// <value>The default is 1 second.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the most characters one comment may have. Drifts that do not fit are summarised
    /// with a count (<c>… and 7 more drifts</c>).
    /// </summary>
    /// <value>The default is 2048, what Hermes's dashboard shows of a comment.</value>
    public int MaxCommentChars { get; set; } = 2048;

    /// <summary>
    /// Gets the phrases that, as a command, end monitoring: a comment by someone other than the
    /// worker whose trimmed body is a phrase or begins with one followed by whitespace or
    /// punctuation, compared case-insensitively.
    /// </summary>
    /// <value>The default is <c>stop</c> and <c>stop monitoring</c>.</value>
    public IList<string> StopPhrases { get; } = new List<string> { "stop", "stop monitoring" };
}
