namespace AgentSessions.Reconcile;

/// <summary>
/// Options of the agent-sessions monitor: the hosted worker that runs a reconcile pass every
/// interval, reports new drifts as one comment per pass on a kanban card, sends heartbeats, and
/// ends when a person comments <c>stop</c>. They are validated when the host starts.
/// </summary>
public sealed class MonitorOptions
{
    /// <summary>Gets or sets the time between two reconcile passes while fewer than <see cref="BusyThreshold"/> sessions run.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the time between two reconcile passes while at least <see cref="BusyThreshold"/>
    /// sessions run (the last pass's <see cref="DriftReport.RunningCount"/>).
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan BusyInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets how many <c>running</c> rows make a workspace busy. Only running rows count:
    /// they are the ones that churn, while rows in end states pile up in every long-lived registry.
    /// </summary>
    /// <value>The default is 5.</value>
    public int BusyThreshold { get; set; } = 5;

    /// <summary>Gets or sets the time between two heartbeats (the first is sent by the first pass).</summary>
    /// <value>The default is 5 minutes.</value>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the delay before the next pass after a kanban call failed; it doubles with each
    /// pass that fails again and never exceeds the current interval.
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
