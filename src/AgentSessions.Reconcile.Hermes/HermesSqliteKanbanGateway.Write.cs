using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using static AgentSessions.Reconcile.Hermes.SqliteStatement;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>The board's connection and its writes: short <c>BEGIN IMMEDIATE</c> transactions, a locked board retried until the lock timeout.</summary>
internal sealed partial class HermesSqliteKanbanGateway
{
    private SqliteConnection Open()
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            // Never create the board: Hermes owns the file and its schema.
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = string.Create(
                CultureInfo.InvariantCulture,
                $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}; PRAGMA synchronous = FULL;");
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private async Task<KanbanResult> WriteAsync(Func<SqliteConnection, long, KanbanResult> body, CancellationToken cancellationToken)
    {
        // A locked board is retried until the lock timeout, with a jitter that breaks the lock-step convoy
        // SQLite's own busy handler can fall into (Hermes does the same).
        var started = timeProvider.GetTimestamp();
        var attempts = 0;
        var retry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is SqliteException ex && IsBusy(ex) && timeProvider.GetElapsedTime(started) < lockTimeout),
            MaxRetryAttempts = int.MaxValue,
#pragma warning disable CA5394 // Not security: a retry jitter.
            DelayGenerator = _ => ValueTask.FromResult<TimeSpan?>(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 151))),
#pragma warning restore CA5394
            OnRetry = args =>
            {
                attempts = args.AttemptNumber + 1;
                Interlocked.Increment(ref _busyRetries);
                LogBusy(logger, databasePath, attempts);
                return default;
            },
        }).Build();
        try
        {
            return await retry.ExecuteAsync(ct => new ValueTask<KanbanResult>(Task.Run(() => WriteOnce(body), ct)), cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex) when (IsBusy(ex))
        {
            var waited = timeProvider.GetElapsedTime(started);
            LogGaveUp(logger, databasePath, attempts + 1, waited);
            return KanbanResult.Failed($"database is locked: {databasePath} stayed busy for {waited.TotalSeconds:0.#} s");
        }
        catch (SqliteException ex)
        {
            LogSqliteFailure(logger, "write", databasePath, ex.Message);
            return KanbanResult.Failed($"writing {databasePath}: {ex.Message}");
        }
    }

    private KanbanResult WriteOnce(Func<SqliteConnection, long, KanbanResult> body)
    {
        using var connection = Open();
        Execute(connection, "BEGIN IMMEDIATE");
        try
        {
            var result = body(connection, timeProvider.GetUtcNow().ToUnixTimeSeconds());
            Execute(connection, result.IsOk ? "COMMIT" : "ROLLBACK");
            return result;
        }
        catch
        {
            try
            {
                Execute(connection, "ROLLBACK");
            }
            catch (SqliteException)
            {
                // SQLite may have rolled back already; the original error matters.
            }

            throw;
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "Hermes board {Path} is locked; retry {Attempt}")]
    private static partial void LogBusy(ILogger logger, string path, int attempt);

    [LoggerMessage(2, LogLevel.Warning, "Hermes board {Path} stayed locked after {Attempt} retries over {Waited}")]
    private static partial void LogGaveUp(ILogger logger, string path, int attempt, TimeSpan waited);

    [LoggerMessage(3, LogLevel.Warning, "Hermes board {Operation} failed on {Path}: {Message}")]
    private static partial void LogSqliteFailure(ILogger logger, string operation, string path, string message);
}
