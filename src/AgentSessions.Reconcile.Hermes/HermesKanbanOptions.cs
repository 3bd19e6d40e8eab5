namespace AgentSessions.Reconcile.Hermes;

/// <summary>Options for the Hermes kanban gateways created by <see cref="HermesKanban"/> or registered by <c>services.AddHermesKanbanGateway(…)</c>.</summary>
public sealed class HermesKanbanOptions
{
    /// <summary>Gets or sets which gateway <c>services.AddHermesKanbanGateway(…)</c> registers (the factory methods ignore it).</summary>
    /// <value>The default is <see cref="HermesKanbanGatewayKind.Sqlite"/>.</value>
    public HermesKanbanGatewayKind Gateway { get; set; } = HermesKanbanGatewayKind.Sqlite;

    /// <summary>Gets or sets the environment the board and the worker identity are read from.</summary>
    /// <value>The default is <see langword="null"/>: the process environment (what a worker spawned by the Hermes dispatcher inherits).</value>
    public IReadOnlyDictionary<string, string?>? Environment { get; set; }

    /// <summary>Gets or sets the task to talk to.</summary>
    /// <value>The default is <see langword="null"/>: <c>HERMES_KANBAN_TASK</c>.</value>
    public string? TaskId { get; set; }

    /// <summary>Gets or sets the board slug, which beats <c>HERMES_KANBAN_BOARD</c> and <c>&lt;root&gt;/kanban/current</c> (not <c>HERMES_KANBAN_DB</c>).</summary>
    /// <value>The default is <see langword="null"/>: Hermes's own resolution.</value>
    public string? Board { get; set; }

    /// <summary>Gets or sets the home directory that <c>~/.hermes</c> and <c>~</c> in paths stand for.</summary>
    /// <value>The default is <see langword="null"/>: <c>$HOME</c>.</value>
    public string? HomeDirectory { get; set; }

    /// <summary>Gets or sets how long one SQLite statement waits for a lock before the gateway retries (SQLite's <c>busy_timeout</c>).</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long a write keeps retrying a locked board before it returns a failed result.</summary>
    /// <value>The default is 2 minutes (Hermes's own busy timeout).</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the <c>hermes</c> executable the CLI gateway runs: a path, or a name looked up on <c>PATH</c>.</summary>
    /// <value>The default is <c>hermes</c>.</value>
    public string HermesExecutable { get; set; } = "hermes";

    /// <summary>Gets or sets how long one <c>hermes</c> invocation may run before it is killed and the call fails.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
