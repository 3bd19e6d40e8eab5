namespace AgentSessions.Reconcile.Hermes;

/// <summary>Which Hermes gateway <c>services.AddHermesKanbanGateway(…)</c> registers.</summary>
public enum HermesKanbanGatewayKind
{
    /// <summary>Write the board's SQLite file directly (<see cref="HermesKanban.CreateSqliteGateway"/>).</summary>
    Sqlite,

    /// <summary>Run <c>hermes kanban …</c> for each call (<see cref="HermesKanban.CreateCliGateway"/>).</summary>
    Cli,
}
