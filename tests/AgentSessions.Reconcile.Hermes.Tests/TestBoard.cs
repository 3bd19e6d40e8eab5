using Microsoft.Data.Sqlite;

namespace AgentSessions.Reconcile.Hermes.Tests;

/// <summary>A real Hermes-shaped board file in a temp folder (tables and columns per HERMES-KANBAN.md, plus extras Hermes has).</summary>
internal sealed class TestBoard : IDisposable
{
    private const string Ddl = """
        CREATE TABLE tasks (
            id TEXT PRIMARY KEY, title TEXT NOT NULL, body TEXT, assignee TEXT, status TEXT NOT NULL,
            priority INTEGER DEFAULT 0, created_by TEXT, created_at INTEGER NOT NULL, started_at INTEGER, completed_at INTEGER,
            workspace_kind TEXT NOT NULL DEFAULT 'scratch', claim_lock TEXT, claim_expires INTEGER, worker_pid INTEGER,
            last_heartbeat_at INTEGER, current_run_id INTEGER, current_step_key TEXT,
            goal_mode INTEGER NOT NULL DEFAULT 0, goal_max_turns INTEGER,
            block_kind TEXT, block_recurrences INTEGER NOT NULL DEFAULT 0, some_future_column TEXT);
        CREATE TABLE task_comments (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, author TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE task_events (id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, run_id INTEGER, kind TEXT NOT NULL, payload TEXT, created_at INTEGER NOT NULL);
        CREATE TABLE task_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, profile TEXT, step_key TEXT, status TEXT NOT NULL,
            claim_lock TEXT, claim_expires INTEGER, worker_pid INTEGER, max_runtime_seconds INTEGER, last_heartbeat_at INTEGER,
            started_at INTEGER NOT NULL, ended_at INTEGER, outcome TEXT, summary TEXT, metadata TEXT, error TEXT);
        CREATE INDEX idx_comments_task ON task_comments(task_id, created_at);
        """;

    public TestBoard(string journalMode = "wal")
    {
        Directory = Path.Combine(Path.GetTempPath(), "hermes-board-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        DatabasePath = Path.Combine(Directory, "kanban.db");
        using var connection = Open();
        Exec(connection, $"PRAGMA journal_mode={journalMode};");
        Exec(connection, Ddl);
    }

    public string Directory { get; }

    public string DatabasePath { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Adds a task; when <paramref name="runId"/> is set, also its open run with the same claim.</summary>
    public void AddTask(
        string id,
        string status = "running",
        string? claimLock = "host:42",
        long? claimExpires = 1_000,
        long? runId = 7,
        int goalMode = 0,
        string? blockKind = null,
        int blockRecurrences = 0,
        string assignee = "coder")
    {
        using var connection = Open();
        Exec(
            connection,
            "INSERT INTO tasks (id, title, assignee, status, created_at, started_at, claim_lock, claim_expires, worker_pid, current_run_id, goal_mode, block_kind, block_recurrences) "
            + "VALUES ($id, 'Monitor', $assignee, $status, 100, 100, $lock, $exp, 4242, $run, $goal, $bk, $br)",
            ("$id", id), ("$assignee", assignee), ("$status", status), ("$lock", claimLock), ("$exp", claimExpires), ("$run", runId),
            ("$goal", goalMode), ("$bk", blockKind), ("$br", blockRecurrences));
        if (runId is not null)
        {
            Exec(
                connection,
                "INSERT INTO task_runs (id, task_id, profile, status, claim_lock, claim_expires, worker_pid, started_at) VALUES ($run, $id, $assignee, 'running', $lock, $exp, 4242, 100)",
                ("$run", runId), ("$id", id), ("$assignee", assignee), ("$lock", claimLock), ("$exp", claimExpires));
        }
    }

    public void AddComment(string task, string author, string body, long createdAt)
    {
        using var connection = Open();
        Exec(connection, "INSERT INTO task_comments (task_id, author, body, created_at) VALUES ($t, $a, $b, $c)", ("$t", task), ("$a", author), ("$b", body), ("$c", createdAt));
    }

    public IReadOnlyDictionary<string, object?> Row(string table, string where, params (string Name, object? Value)[] parameters) =>
        Rows(table, where, parameters).Should().ContainSingle().Subject;

    public List<IReadOnlyDictionary<string, object?>> Rows(string table, string where = "1 = 1", params (string Name, object? Value)[] parameters)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} WHERE {where} ORDER BY rowid";
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public string JournalMode()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string)command.ExecuteScalar()!;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static void Exec(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
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
