using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>Creates <see cref="IKanbanGateway"/> instances that talk to a Hermes kanban board.</summary>
public static class HermesKanban
{
    /// <summary>Creates a gateway that writes the board's SQLite file directly, the rows and events Hermes's worker tools write (including the claim extension on heartbeat).</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for timestamps and retry delays, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/> for none.</param>
    /// <returns>The gateway.</returns>
    /// <exception cref="InvalidOperationException">No task is set and <c>HERMES_KANBAN_TASK</c> is unset.</exception>
    /// <exception cref="ArgumentException">The board slug is invalid.</exception>
    public static IKanbanGateway CreateSqliteGateway(HermesKanbanOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.BusyTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.LockTimeout, TimeSpan.Zero);
        var env = options.Environment ?? HermesEnvironment.FromProcess();
        var board = HermesEnvironment.NormalizeSlug(options.Board);
        var identity = HermesEnvironment.Identity(env, options.TaskId, board);
        var path = HermesEnvironment.DatabasePath(env, board, options.HomeDirectory);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AgentSessions.Reconcile.Hermes.HermesSqliteKanbanGateway");
        return new HermesSqliteKanbanGateway(path, identity, options.BusyTimeout, options.LockTimeout, timeProvider ?? TimeProvider.System, logger);
    }

    /// <summary>Creates a gateway that runs <c>hermes kanban …</c> for each call (its heartbeat does not extend the claim).</summary>
    /// <param name="options">The options.</param>
    /// <param name="timeProvider">The clock for the command timeout, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The gateway.</returns>
    /// <exception cref="InvalidOperationException">No task is set and <c>HERMES_KANBAN_TASK</c> is unset.</exception>
    /// <exception cref="ArgumentException">The board slug is invalid.</exception>
    public static IKanbanGateway CreateCliGateway(HermesKanbanOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.HermesExecutable);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.CommandTimeout, TimeSpan.Zero);
        var env = options.Environment ?? HermesEnvironment.FromProcess();
        var board = HermesEnvironment.NormalizeSlug(options.Board);
        var identity = HermesEnvironment.Identity(env, options.TaskId, board);
        // The child inherits the process environment; an injected one is layered on top so it sees the same identity.
        return new HermesCliKanbanGateway(options.HermesExecutable, options.Environment, options.CommandTimeout, timeProvider ?? TimeProvider.System, identity);
    }

    /// <summary>Resolves the board database file the way Hermes does: <c>HERMES_KANBAN_DB</c>, else the board (option, <c>HERMES_KANBAN_BOARD</c>, <c>&lt;root&gt;/kanban/current</c>, <c>default</c>) under the root (<c>HERMES_KANBAN_HOME</c>, <c>HERMES_HOME</c>, <c>~/.hermes</c>).</summary>
    /// <param name="options">The options.</param>
    /// <returns>The path of <c>kanban.db</c>.</returns>
    /// <exception cref="ArgumentException">The board slug is invalid.</exception>
    public static string ResolveDatabasePath(HermesKanbanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var env = options.Environment ?? HermesEnvironment.FromProcess();
        return HermesEnvironment.DatabasePath(env, HermesEnvironment.NormalizeSlug(options.Board), options.HomeDirectory);
    }
}
