namespace AgentSessions.Reconcile;

/// <summary>Options for <see cref="JsonLinesKanbanGateway"/>.</summary>
public sealed class JsonLinesKanbanGatewayOptions
{
    /// <summary>Gets or sets where the tool-call lines are written.</summary>
    /// <value>The default is <see langword="null"/>: standard output.</value>
    public TextWriter? Output { get; set; }

    /// <summary>Gets or sets where comments from the card arrive, one JSON object a line (<c>{"author":…,"body":…,"created_at":&lt;unix seconds&gt;}</c>).</summary>
    /// <value>The default is <see langword="null"/>: the gateway cannot read the card and returns no comments.</value>
    public TextReader? IncomingComments { get; set; }

    /// <summary>Gets or sets the task id written as <c>task_id</c> on each line (Hermes's <c>kanban_comment</c> tool requires one).</summary>
    /// <value>The default is <see langword="null"/>: no <c>task_id</c> field (the tools then use <c>HERMES_KANBAN_TASK</c>).</value>
    public string? TaskId { get; set; }

    /// <summary>Gets or sets the author name of the worker's own comments, so incoming echoes of them are marked <see cref="KanbanComment.IsFromSelf"/>.</summary>
    /// <value>The default is <c>worker</c> (what Hermes uses when <c>HERMES_PROFILE</c> is unset).</value>
    public string SelfAuthor { get; set; } = "worker";
}
