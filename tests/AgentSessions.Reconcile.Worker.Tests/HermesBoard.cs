using Microsoft.Data.Sqlite;

namespace AgentSessions.Reconcile.Worker.Tests;

/// <summary>A real SQLite file with Hermes's kanban tables (the columns HERMES-KANBAN.md lists), in WAL mode as Hermes keeps it.</summary>
internal sealed class HermesBoard
{
    private const string Ddl = """
        CREATE TABLE tasks (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT, assignee TEXT, status TEXT NOT NULL,
            created_at INTEGER NOT NULL, started_at INTEGER, completed_at INTEGER,
            claim_lock TEXT, claim_expires INTEGER, worker_pid INTEGER, last_heartbeat_at INTEGER, current_run_id INTEGER,
            goal_mode INTEGER NOT NULL DEFAULT 0, goal_max_turns INTEGER,
            block_kind TEXT, block_recurrences INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE task_comments (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, author TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE task_events (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, run_id INTEGER, kind TEXT NOT NULL, payload TEXT, created_at INTEGER NOT NULL);
        CREATE TABLE task_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, profile TEXT, status TEXT NOT NULL,
            claim_lock TEXT, claim_expires INTEGER, worker_pid INTEGER, last_heartbeat_at INTEGER,
            started_at INTEGER NOT NULL, ended_at INTEGER, outcome TEXT, summary TEXT, metadata TEXT, error TEXT);
        """;

    public HermesBoard(string path)
    {
        DatabasePath = path;
        using var connection = Open();
        Exec(connection, "PRAGMA journal_mode=wal;");
        Exec(connection, Ddl);
    }

    public string DatabasePath { get; }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>Adds a running goal-mode task with its open run, claimed by <paramref name="claimLock"/>.</summary>
    public void AddRunningGoalTask(string id, long runId, string claimLock, string profile)
    {
        using var connection = Open();
        var now = Now;
        Exec(
            connection,
            "INSERT INTO tasks (id, title, assignee, status, created_at, started_at, claim_lock, claim_expires, current_run_id, goal_mode, goal_max_turns) "
            + "VALUES ($id, 'agent-sessions monitor', $p, 'running', $now, $now, $lock, $exp, $run, 1, 100)",
            ("$id", id), ("$p", profile), ("$now", now), ("$lock", claimLock), ("$exp", now + 900), ("$run", runId));
        Exec(
            connection,
            "INSERT INTO task_runs (id, task_id, profile, status, claim_lock, claim_expires, started_at) VALUES ($run, $id, $p, 'running', $lock, $exp, $now)",
            ("$run", runId), ("$id", id), ("$p", profile), ("$lock", claimLock), ("$exp", now + 900), ("$now", now));
    }

    public void AddComment(string task, string author, string body)
    {
        using var connection = Open();
        Exec(connection, "INSERT INTO task_comments (task_id, author, body, created_at) VALUES ($t, $a, $b, $c)", ("$t", task), ("$a", author), ("$b", body), ("$c", Now));
    }

    public IReadOnlyList<(string Author, string Body)> Comments(string task)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT author, body FROM task_comments WHERE task_id = $t ORDER BY id";
        command.Parameters.AddWithValue("$t", task);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }

    public IReadOnlyList<(string Kind, string? Payload)> Events(string task)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT kind, payload FROM task_events WHERE task_id = $t ORDER BY id";
        command.Parameters.AddWithValue("$t", task);
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string?)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return rows;
    }

    public (string Status, string? BlockKind) Task(string id)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT status, block_kind FROM tasks WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        reader.Read().Should().BeTrue();
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    private static void Exec(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }
}
