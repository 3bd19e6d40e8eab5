using System.Globalization;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>A registry as loaded: the typed model, the document it came from and, for each typed object, its source node.</summary>
internal sealed class LoadedRegistry
{
    public LoadedRegistry(string path, YDocument document, Registry registry)
    {
        Path = path;
        Document = document;
        Registry = registry;
    }

    public string Path { get; }

    public YDocument Document { get; }

    public Registry Registry { get; }

    /// <summary>Gets the source node of each session row and job, by reference.</summary>
    public Dictionary<object, YMap> Sources { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Gets the rows' values as they were before a change was applied (see <see cref="TakeSnapshot"/>), or <see langword="null"/>.</summary>
    public Dictionary<SessionRow, RowSnapshot>? Snapshots { get; private set; }

    /// <summary>Records every row's values, so composing can reuse the parsed node of rows a change leaves alone.</summary>
    public void TakeSnapshot()
    {
        Snapshots = new Dictionary<SessionRow, RowSnapshot>(Registry.Sessions.Count, ReferenceEqualityComparer.Instance);
        foreach (var row in Registry.Sessions)
        {
            Snapshots[row] = new RowSnapshot(row);
        }
    }
}

/// <summary>Maps a parsed document to the typed <see cref="Registry"/>, validating types and words.</summary>
internal static class RegistryMapper
{
    public const string StatusWords = "running, stopped, terminated or archived";
    public const string JobStatusWords = "running, completed, error or cancelled";

    public static LoadedRegistry Map(string path, YDocument document) => Map(path, document, trustedRow: null);

    /// <summary>
    /// Maps a document; rows for which <paramref name="trustedRow"/> is true are only checked for a
    /// unique name and are not read (nor added to the result). The writer's verification uses this
    /// for rows it has already shown equal, node by node, to rows that mapped when the file was loaded.
    /// </summary>
    public static LoadedRegistry Map(string path, YDocument document, Func<int, bool>? trustedRow)
    {
        var registry = new Registry();
        var loaded = new LoadedRegistry(path, document, registry);
        var root = document.Root;
        if (root is null || root is YScalar { IsNull: true })
        {
            return loaded;
        }

        if (root is not YMap map)
        {
            throw Error(path, root, null, "the registry must be a mapping (version:, workspace:, sessions:), not a " + KindOf(root) + ".");
        }

        var reader = new Reader(path);
        if (map.Get("version") is { } version)
        {
            var value = reader.Integer(version, "version");
            if (value is not null)
            {
                if (value is < int.MinValue or > int.MaxValue)
                {
                    throw Error(path, version, "version", "must be a small integer.");
                }

                registry.Version = (int)value;
            }
        }

        registry.Workspace = map.Get("workspace") is { } workspace ? reader.String(workspace, "workspace") : null;
        var sessions = map.Get("sessions");
        if (sessions is null || sessions is YScalar { IsNull: true })
        {
            return loaded;
        }

        if (sessions is not YSeq seq)
        {
            throw Error(path, sessions, "sessions", "must be a sequence of sessions (`- name: …` items), not a " + KindOf(sessions) + ".");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < seq.Items.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"sessions[{i}]");
            if (seq.Items[i] is not YMap rowNode)
            {
                throw Error(path, seq.Items[i], field, "each session must be a mapping with at least a name, not a " + KindOf(seq.Items[i]) + ".");
            }

            if (trustedRow is not null && trustedRow(i))
            {
                if (rowNode.Get("name") is not YScalar { Value: { Length: > 0 } trustedName } trustedNode || !names.Add(trustedName))
                {
                    throw Error(path, rowNode.Get("name") ?? rowNode, field + ".name", "duplicate or missing session name; names must be unique.");
                }

                continue;
            }

            var row = reader.Row(rowNode, field);
            if (!names.Add(row.Name))
            {
                var nameNode = rowNode.Get("name")!;
                throw Error(path, nameNode, field + ".name", $"duplicate session name '{row.Name}'; names must be unique.");
            }

            registry.Sessions.Add(row);
            loaded.Sources[row] = rowNode;
            var jobs = rowNode.Get("jobs") as YSeq;
            for (var j = 0; j < row.Jobs.Count; j++)
            {
                loaded.Sources[row.Jobs[j]] = (YMap)jobs!.Items[j];
            }
        }

        return loaded;
    }

    internal static RegistryException Error(string path, YNode node, string? field, string sentence) =>
        RegistryErrors.At(RegistryErrorKind.Schema, path, sentence, node.Line > 0 ? node.Line : null, node.Line > 0 ? node.Column : null, field);

    internal static string KindOf(YNode node) => node switch
    {
        YMap => "mapping",
        YSeq => "sequence",
        YScalar { IsNull: true } => "null",
        _ => "scalar",
    };

    public static SessionStatus? ParseStatus(string text) => text switch
    {
        "running" => SessionStatus.Running,
        "stopped" => SessionStatus.Stopped,
        "terminated" => SessionStatus.Terminated,
        "archived" => SessionStatus.Archived,
        _ => null,
    };

    public static string StatusWord(SessionStatus status) => status switch
    {
        SessionStatus.Running => "running",
        SessionStatus.Stopped => "stopped",
        SessionStatus.Terminated => "terminated",
        SessionStatus.Archived => "archived",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown session status."),
    };

    public static JobStatus? ParseJobStatus(string text) => text switch
    {
        "running" => JobStatus.Running,
        "completed" => JobStatus.Completed,
        "error" => JobStatus.Error,
        "cancelled" => JobStatus.Cancelled,
        _ => null,
    };

    public static string JobStatusWord(JobStatus status) => status switch
    {
        JobStatus.Running => "running",
        JobStatus.Completed => "completed",
        JobStatus.Error => "error",
        JobStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown job status."),
    };

    /// <summary>Reads typed values out of nodes, failing with the file, line, column and field.</summary>
    internal sealed class Reader(string path)
    {
        public SessionRow Row(YMap node, string field)
        {
            var nameNode = node.Get("name");
            var name = nameNode is null ? null : String(nameNode, field + ".name");
            if (string.IsNullOrEmpty(name))
            {
                throw Error(path, nameNode ?? node, field + ".name", nameNode is null ? "the session has no name; every session needs a unique name." : "the session name is empty; every session needs a unique name.");
            }

            var row = new SessionRow(name);
            ReadRowInto(row, node, field);
            return row;
        }

        public void ReadRowInto(SessionRow row, YMap node, string field)
        {
            foreach (var (keyNode, value) in node.Entries)
            {
                var key = keyNode.Value;
                var f = field + "." + key;
                switch (key)
                {
                    case "agent": row.Agent = String(value, f); break;
                    case "project": row.Project = String(value, f); break;
                    case "cwd": row.Cwd = String(value, f); break;
                    case "status": row.Status = Status(value, f); break;
                    case "last_visible_status": row.LastVisibleStatus = Status(value, f); break;
                    case "last_visible_note": row.LastVisibleNote = String(value, f); break;
                    case "created_at": row.CreatedAt = Timestamp(value, f); break;
                    case "updated_at": row.UpdatedAt = Timestamp(value, f); break;
                    case "terminated_at": row.TerminatedAt = Timestamp(value, f); break;
                    case "termination_mode": row.TerminationMode = String(value, f); break;
                    case "resumable": row.Resumable = Bool(value, f); break;
                    case "pane": row.Pane = Pane(value, f); break;
                    case "claude_session_id_own": row.ClaudeSessionIdOwn = String(value, f); break;
                    case "agy_session_id_own": row.AgySessionIdOwn = String(value, f); break;
                    case "agent_identities": Identities(row.AgentIdentities, value, f); break;
                    case "jobs": Jobs(row.Jobs, value, f); break;
                }
            }
        }

        public PaneInfo? Pane(YNode node, string field)
        {
            if (node is YScalar { IsNull: true })
            {
                return null;
            }

            if (node is not YMap map)
            {
                throw Error(path, node, field, "must be a mapping (pid:, cmd:, cwd:) or null, not a " + KindOf(node) + ".");
            }

            var pane = new PaneInfo();
            ReadPaneInto(pane, map, field);
            return pane;
        }

        public void ReadPaneInto(PaneInfo pane, YMap map, string field)
        {
            foreach (var (key, value) in map.Entries)
            {
                switch (key.Value)
                {
                    case "pid": pane.Pid = Integer(value, field + ".pid"); break;
                    case "cmd": pane.Cmd = String(value, field + ".cmd"); break;
                    case "cwd": pane.Cwd = String(value, field + ".cwd"); break;
                }
            }
        }

        public void Identities(IDictionary<string, IDictionary<string, string?>> target, YNode node, string field)
        {
            if (node is YScalar { IsNull: true })
            {
                return;
            }

            if (node is not YMap map)
            {
                throw Error(path, node, field, "must be a mapping of agent to ids (claude: { session_id: … }), not a " + KindOf(node) + ".");
            }

            foreach (var (agent, value) in map.Entries)
            {
                target[agent.Value] = IdentityFields(value, field + "." + agent.Value);
            }
        }

        public Dictionary<string, string?> IdentityFields(YNode node, string field)
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (node is YScalar { IsNull: true })
            {
                return fields;
            }

            if (node is not YMap map)
            {
                throw Error(path, node, field, "must be a mapping of id names to ids, not a " + KindOf(node) + ".");
            }

            foreach (var (key, value) in map.Entries)
            {
                fields[key.Value] = String(value, field + "." + key.Value);
            }

            return fields;
        }

        public void Jobs(IList<JobEntry> target, YNode node, string field)
        {
            if (node is YScalar { IsNull: true })
            {
                return;
            }

            if (node is not YSeq seq)
            {
                throw Error(path, node, field, "must be a sequence of jobs (`- job_id: …` items), not a " + KindOf(node) + ".");
            }

            for (var i = 0; i < seq.Items.Count; i++)
            {
                var f = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
                if (seq.Items[i] is not YMap map)
                {
                    throw Error(path, seq.Items[i], f, "each job must be a mapping with a job_id, not a " + KindOf(seq.Items[i]) + ".");
                }

                target.Add(Job(map, f));
            }
        }

        public JobEntry Job(YMap map, string field)
        {
            var idNode = map.Get("job_id");
            var id = idNode is null ? null : String(idNode, field + ".job_id");
            if (string.IsNullOrEmpty(id))
            {
                throw Error(path, idNode ?? map, field + ".job_id", "the job has no job_id.");
            }

            var job = new JobEntry(id);
            ReadJobInto(job, map, field);
            return job;
        }

        public void ReadJobInto(JobEntry job, YMap map, string field)
        {
            foreach (var (key, value) in map.Entries)
            {
                switch (key.Value)
                {
                    case "auth_token": job.AuthToken = String(value, field + ".auth_token"); break;
                    case "status":
                        if (value is YScalar { IsNull: true })
                        {
                            job.Status = null;
                            break;
                        }

                        var text = Text(value, field + ".status");
                        job.Status = ParseJobStatus(text) ?? throw Error(path, value, field + ".status", $"'{text}' is not a job status; expected {JobStatusWords}.");
                        break;
                }
            }
        }

        public string? String(YNode node, string field)
        {
            if (node is YScalar { IsNull: true })
            {
                return null;
            }

            return Text(node, field);
        }

        public SessionStatus? Status(YNode node, string field)
        {
            if (node is YScalar { IsNull: true })
            {
                return null;
            }

            var text = Text(node, field);
            return ParseStatus(text) ?? throw Error(path, node, field, $"'{text}' is not a session status; expected exactly {StatusWords} (free text goes in last_visible_note).");
        }

        public DateTimeOffset? Timestamp(YNode node, string field)
        {
            if (node is YScalar { IsNull: true })
            {
                return null;
            }

            var text = Text(node, field);
            return YamlScalars.TryParseTimestamp(text, out var value)
                ? value
                : throw Error(path, node, field, $"'{text}' is not an RFC 3339 timestamp (for example 2026-11-20T10:00:00Z).");
        }

        public bool? Bool(YNode node, string field)
        {
            if (node is YScalar { IsNull: true })
            {
                return null;
            }

            if (node is YScalar { IsPlain: true } scalar && YamlScalars.TryParseBool(scalar.Value, out var value))
            {
                return value;
            }

            throw Error(path, node, field, node is YScalar s ? $"'{s.Value}' is not a boolean; expected true or false (unquoted)." : "must be true or false, not a " + KindOf(node) + ".");
        }

        public long? Integer(YNode node, string field)
        {
            if (node is YScalar { IsNull: true })
            {
                return null;
            }

            if (node is YScalar { IsPlain: true } scalar && YamlScalars.TryParseInteger(scalar.Value, out var value))
            {
                return value;
            }

            throw Error(path, node, field, node is YScalar s ? $"'{s.Value}' is not an integer (an unquoted decimal number is expected)." : "must be an integer, not a " + KindOf(node) + ".");
        }

        private string Text(YNode node, string field) =>
            node is YScalar scalar ? scalar.Value : throw Error(path, node, field, "must be text, not a " + KindOf(node) + ".");
    }
}
