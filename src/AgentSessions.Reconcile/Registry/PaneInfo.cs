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
}
