using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using static AgentSessions.Reconcile.Hermes.PythonJson;
using static AgentSessions.Reconcile.Hermes.SqliteStatement;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>
/// Writes the Hermes board directly, the same rows and events Hermes's own worker tools write
/// (tools/kanban_tools.py → hermes_cli/kanban_db.py). Each call is one short <c>BEGIN IMMEDIATE</c>
/// transaction on a fresh connection; updates are guarded and their row counts checked; a busy
/// database is waited out (SQLite busy timeout, then jittered retries up to the lock timeout).
/// The journal mode is never changed: Hermes owns the file (it puts it in WAL).
/// </summary>
internal sealed partial class HermesSqliteKanbanGateway(
    string databasePath,
    HermesWorkerIdentity identity,
    TimeSpan busyTimeout,
    TimeSpan lockTimeout,
    TimeProvider timeProvider,
    ILogger logger) : IKanbanGateway
{
    private const int BlockRecurrenceLimit = 2;
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    private int _busyRetries;

    /// <summary>Gets how many times a write found the database locked and retried (for tests and diagnostics).</summary>
    internal int BusyRetries => Volatile.Read(ref _busyRetries);

    internal string DatabasePath => databasePath;

    internal HermesWorkerIdentity Identity => identity;

    public Task<KanbanResult> CommentAsync(string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (IsBlank(body))
        {
            return Task.FromResult(KanbanResult.Rejected("comment body is required"));
        }

        var task = identity.TaskId;
        var author = identity.Profile;
        return WriteAsync(
            (connection, now) =>
            {
                if (ReadTask(connection, task) is null)
                {
                    return KanbanResult.Rejected($"unknown task {task}");
                }

                Execute(
                    connection,
                    "INSERT INTO task_comments (task_id, author, body, created_at) VALUES ($task, $author, $body, $now)",
                    ("$task", task), ("$author", Strip(author)), ("$body", Strip(body)), ("$now", now));
                // Hermes records the author as given and the length of the unstripped body.
                AppendEvent(connection, task, null, "commented", Object(Field("author", author), Field("len", CodePointLength(body))), now);
                return KanbanResult.Success;
            },
            cancellationToken);
    }

    public Task<KanbanResult> HeartbeatAsync(string? note, CancellationToken cancellationToken = default)
    {
        var task = identity.TaskId;
        var expectedRun = identity.RunId;
        var claimLock = identity.ClaimLock;
        return WriteAsync(
            (connection, now) =>
            {
                // (1) Extend the claim, only while running and only with our own lock (heartbeat_claim).
                var extended = false;
                if (claimLock is not null)
                {
                    var expires = now + identity.ClaimTtlSeconds;
                    var claimed = Execute(
                        connection,
                        "UPDATE tasks SET claim_expires = $expires WHERE id = $task AND status = 'running' AND claim_lock = $lock",
                        ("$expires", expires), ("$task", task), ("$lock", claimLock));
                    if (claimed == 1)
                    {
                        extended = true;
                        if (CurrentRunId(connection, task) is { } current)
                        {
                            Execute(connection, "UPDATE task_runs SET claim_expires = $expires WHERE id = $run", ("$expires", expires), ("$run", current));
                        }
                    }
                }

                // (2) Liveness (heartbeat_worker), pinned to our run when we know it.
                var touched = Execute(
                    connection,
                    "UPDATE tasks SET last_heartbeat_at = $now WHERE id = $task AND status = 'running' AND ($run IS NULL OR current_run_id = $run)",
                    ("$now", now), ("$task", task), ("$run", expectedRun));
                if (touched != 1)
                {
                    return KanbanResult.Rejected(DescribeNotRunning(connection, task, expectedRun));
                }

                var runId = expectedRun ?? CurrentRunId(connection, task);
                if (runId is not null)
                {
                    Execute(connection, "UPDATE task_runs SET last_heartbeat_at = $now WHERE id = $run", ("$now", now), ("$run", runId));
                }

                AppendEvent(connection, task, runId, "heartbeat", string.IsNullOrEmpty(note) ? null : Object(Field("note", note)), now);
                if (extended)
                {
                    return KanbanResult.Success;
                }

                return new KanbanResult(
                    KanbanOutcome.Ok,
                    claimLock is null
                        ? "heartbeat recorded; claim not extended (no HERMES_KANBAN_CLAIM_LOCK)"
                        : "heartbeat recorded; claim not extended (the claim lock does not match)");
            },
            cancellationToken);
    }

    public Task<KanbanResult> BlockAsync(string reason, KanbanBlockKind? kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (IsBlank(reason))
        {
            return Task.FromResult(KanbanResult.Rejected("reason is required"));
        }

        var task = identity.TaskId;
        var expectedRun = identity.RunId;
        var kindText = KindText(kind);
        return WriteAsync(
            (connection, now) =>
            {
                var state = ReadTask(connection, task);
                if (state is null)
                {
                    return KanbanResult.Rejected($"unknown task {task}");
                }

                if (state.GoalMode && kind is not (KanbanBlockKind.Dependency or KanbanBlockKind.NeedsInput))
                {
                    return KanbanResult.Rejected(
                        $"goal_mode tasks can only block with kind in ['dependency', 'needs_input'] (got {(kindText is null ? "None" : "'" + kindText + "'")})");
                }

                string status;
                int? recurrences = null;
                if (kind == KanbanBlockKind.Dependency)
                {
                    status = "todo";
                }
                else
                {
                    var sameCause = string.Equals(state.BlockKind, kindText, StringComparison.Ordinal);
                    recurrences = sameCause ? state.BlockRecurrences + 1 : 1;
                    status = recurrences >= BlockRecurrenceLimit ? "triage" : "blocked";
                }

                // A dependency wait keeps the recurrence count; a run we know pins the update to it.
                var changed = Execute(
                    connection,
                    "UPDATE tasks SET status = $status, claim_lock = NULL, claim_expires = NULL, worker_pid = NULL, block_kind = $kind, "
                    + "block_recurrences = COALESCE($recurrences, block_recurrences) "
                    + "WHERE id = $task AND status IN ('running', 'ready') AND ($run IS NULL OR current_run_id = $run)",
                    ("$status", status), ("$kind", kindText), ("$recurrences", recurrences), ("$task", task), ("$run", expectedRun));
                if (changed != 1)
                {
                    return KanbanResult.Rejected(
                        state.Status is "running" or "ready"
                            ? $"could not block {task}: run {expectedRun} is not its current run"
                            : $"could not block {task}: it is {state.Status}, not running or ready");
                }

                var runId = EndRun(connection, task, reason, now) ?? SynthesizeEndedRun(connection, task, reason, now);
                var (eventKind, payload) = status switch
                {
                    "todo" => ("dependency_wait", Object(Field("reason", reason), Field("kind", kindText))),
                    "triage" => ("block_loop_detected", Object(Field("reason", reason), Field("kind", kindText), Field("recurrences", recurrences), Field("limit", BlockRecurrenceLimit))),
                    _ => ("blocked", Object(Field("reason", reason), Field("kind", kindText), Field("recurrences", recurrences))),
                };
                AppendEvent(connection, task, runId, eventKind, payload, now);
                return KanbanResult.Success;
            },
            cancellationToken);
    }

    public async Task<KanbanCommentPage> ReadCommentsAsync(KanbanCursor? cursor, CancellationToken cancellationToken = default)
    {
        long after = 0;
        if (cursor is not null && !long.TryParse(cursor.Value, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return new KanbanCommentPage(KanbanResult.Rejected($"invalid cursor '{cursor.Value}' (expected a comment id)"), [], cursor);
        }

        var task = identity.TaskId;
        var self = Strip(identity.Profile);
        try
        {
            return await Task.Run(
                () =>
                {
                    using var connection = Open();
                    if (ReadTask(connection, task) is null)
                    {
                        return new KanbanCommentPage(KanbanResult.Rejected($"unknown task {task}"), [], cursor);
                    }

                    using var command = Create(
                        connection,
                        "SELECT id, author, body, created_at FROM task_comments WHERE task_id = $task AND id > $after ORDER BY id",
                        ("$task", task), ("$after", after));
                    using var reader = command.ExecuteReader();
                    var comments = new List<KanbanComment>();
                    var last = after;
                    while (reader.Read())
                    {
                        last = reader.GetInt64(0);
                        var author = reader.GetString(1);
                        comments.Add(new KanbanComment(
                            author,
                            reader.GetString(2),
                            DateTimeOffset.FromUnixTimeSeconds(reader.IsDBNull(3) ? 0 : reader.GetInt64(3)),
                            string.Equals(author, self, StringComparison.Ordinal)));
                    }

                    return new KanbanCommentPage(KanbanResult.Success, comments, new KanbanCursor(last.ToString(CultureInfo.InvariantCulture)));
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            LogSqliteFailure(logger, "read comments", databasePath, ex.Message);
            return new KanbanCommentPage(KanbanResult.Failed($"reading {databasePath}: {ex.Message}"), [], cursor);
        }
    }

    /// <summary>Hermes's name of a block kind: the enum name in snake case (<c>needs_input</c>).</summary>
    internal static string? KindText(KanbanBlockKind? kind) =>
        kind is not { } k ? null
        : Enum.IsDefined(k) ? JsonNamingPolicy.SnakeCaseLower.ConvertName(k.ToString())
        : throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown block kind");

    private static bool IsBusy(SqliteException ex) =>
        ex.SqliteErrorCode is SqliteBusy or SqliteLocked
        || ex.Message.Contains("database is locked", StringComparison.OrdinalIgnoreCase);

    private static long? CurrentRunId(SqliteConnection connection, string task) =>
        Scalar(connection, "SELECT current_run_id FROM tasks WHERE id = $task", ("$task", task)) is long run && run != 0 ? run : null;

    private static void AppendEvent(SqliteConnection connection, string task, long? runId, string kind, string? payload, long now) =>
        Execute(
            connection,
            "INSERT INTO task_events (task_id, run_id, kind, payload, created_at) VALUES ($task, $run, $kind, $payload, $now)",
            ("$task", task), ("$run", runId), ("$kind", kind), ("$payload", payload), ("$now", now));

    /// <summary>Closes the task's current run as blocked and clears the pointer (Hermes's <c>_end_run</c>).</summary>
    private static long? EndRun(SqliteConnection connection, string task, string reason, long now)
    {
        if (CurrentRunId(connection, task) is not { } run)
        {
            return null;
        }

        Execute(
            connection,
            "UPDATE task_runs SET status = 'blocked', outcome = 'blocked', summary = $summary, error = NULL, metadata = NULL, "
            + "ended_at = $now, claim_lock = NULL, claim_expires = NULL, worker_pid = NULL WHERE id = $run AND ended_at IS NULL",
            ("$summary", reason), ("$now", now), ("$run", run));
        Execute(connection, "UPDATE tasks SET current_run_id = NULL WHERE id = $task", ("$task", task));
        return run;
    }

    /// <summary>Records a zero-length closed run for a block of a never-claimed task, so the reason stays in the history (Hermes's <c>_synthesize_ended_run</c>).</summary>
    private static long SynthesizeEndedRun(SqliteConnection connection, string task, string reason, long now)
    {
        Execute(
            connection,
            "INSERT INTO task_runs (task_id, profile, step_key, status, outcome, summary, error, metadata, started_at, ended_at) "
            + "SELECT id, assignee, current_step_key, 'blocked', 'blocked', $summary, NULL, NULL, $now, $now FROM tasks WHERE id = $task",
            ("$summary", reason), ("$now", now), ("$task", task));
        return Scalar(connection, "SELECT last_insert_rowid()") is long id ? id : 0;
    }

    private static TaskState? ReadTask(SqliteConnection connection, string task)
    {
        using var command = Create(
            connection, "SELECT status, block_kind, block_recurrences, goal_mode, current_run_id FROM tasks WHERE id = $task", ("$task", task));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new TaskState(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.IsDBNull(2) ? 0 : reader.GetInt32(2),
            !reader.IsDBNull(3) && reader.GetInt64(3) != 0,
            reader.IsDBNull(4) ? null : reader.GetInt64(4));
    }

    private static string DescribeNotRunning(SqliteConnection connection, string task, long? expectedRun) =>
        ReadTask(connection, task) switch
        {
            null => $"unknown task {task}",
            { Status: not "running" } state => $"task {task} is {state.Status}, not running",
            var state => $"run {expectedRun} is not the current run of task {task} (current: {state.CurrentRunId?.ToString(CultureInfo.InvariantCulture) ?? "none"})",
        };

    private sealed record TaskState(string Status, string? BlockKind, int BlockRecurrences, bool GoalMode, long? CurrentRunId);
}
