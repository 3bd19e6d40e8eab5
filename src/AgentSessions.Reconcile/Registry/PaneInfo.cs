namespace AgentSessions.Reconcile;

/// <summary>
/// The facts about a session's tmux pane recorded in the registry (<c>pane:</c>).
/// </summary>
public sealed class PaneInfo
{
    /// <summary>Gets or sets the pid of the pane's first process (<c>pid</c>).</summary>
    public long? Pid { get; set; }

    /// <summary>Gets or sets the pane's foreground command name (<c>cmd</c>).</summary>
    public string? Cmd { get; set; }

    /// <summary>Gets or sets the pane's current working directory (<c>cwd</c>).</summary>
    public string? Cwd { get; set; }

    /// <summary>
    /// Gets or sets the absolute path of the socket of the tmux server the session was last seen
    /// alive on (<c>socket</c>). Written by the reconciler; a pass that asks another server while
    /// this one still exists leaves the row unknown, not terminated.
    /// </summary>
    public string? Socket { get; set; }

    /// <summary>Gets or sets the tmux pane id the session was last seen alive in (<c>id</c>, for example <c>%3</c>).</summary>
    public string? Id { get; set; }
}
