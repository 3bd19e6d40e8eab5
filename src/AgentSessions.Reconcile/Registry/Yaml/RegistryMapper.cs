using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>A registry as loaded: the typed model, the parsed file and, for each session row and job, its source node.</summary>
internal sealed class LoadedRegistry(string path, YamlText yaml, Registry registry)
{
    public string Path { get; } = path;

    public YamlText Yaml { get; } = yaml;

    public Registry Registry { get; } = registry;

    /// <summary>Gets the source node of each session row and job, by reference.</summary>
    public Dictionary<object, YamlMappingNode> Sources { get; } = new(ReferenceEqualityComparer.Instance);
}

/// <summary>Maps a parsed document to the typed <see cref="Registry"/>, validating types and words.</summary>
internal static class RegistryMapper
{
    public const string StatusWords = "running, stopped, terminated or archived";
    public const string JobStatusWords = "running, completed, error or cancelled";

    /// <summary>Maps a parsed file; rows and jobs keep a link to their source node for the edits of an update.</summary>
    public static LoadedRegistry Map(string path, YamlText yaml)
    {
        var registry = new Registry();
        var loaded = new LoadedRegistry(path, yaml, registry);
        var root = yaml.Root;
        if (root is null || Y.IsNull(root))
        {
            return loaded;
        }

        if (root is not YamlMappingNode map)
        {
            throw Error(path, root, null, "the registry must be a mapping (version:, workspace:, sessions:), not a " + Y.KindOf(root) + ".");
        }

        var reader = new Reader(path);
        if (Y.Get(map, "version") is { } version && reader.Integer(version, "version") is { } value)
        {
            registry.Version = value is < int.MinValue or > int.MaxValue ? throw Error(path, version, "version", "must be a small integer.") : (int)value;
        }

        registry.Workspace = Y.Get(map, "workspace") is { } workspace ? reader.String(workspace, "workspace") : null;
        var sessions = Y.Get(map, "sessions");
        if (sessions is null || Y.IsNull(sessions))
        {
            return loaded;
        }

        if (sessions is not YamlSequenceNode seq)
        {
            throw Error(path, sessions, "sessions", "must be a sequence of sessions (`- name: …` items), not a " + Y.KindOf(sessions) + ".");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var field = string.Create(CultureInfo.InvariantCulture, $"sessions[{i}]");
            if (seq.Children[i] is not YamlMappingNode rowNode)
            {
                throw Error(path, seq.Children[i], field, "each session must be a mapping with at least a name, not a " + Y.KindOf(seq.Children[i]) + ".");
            }

            var row = reader.Row(rowNode, field);
            if (!names.Add(row.Name))
            {
                throw Error(path, Y.Get(rowNode, "name")!, field + ".name", $"duplicate session name '{row.Name}'; names must be unique.");
            }

            registry.Sessions.Add(row);
            loaded.Sources[row] = rowNode;
            for (var j = 0; j < row.Jobs.Count; j++)
            {
                loaded.Sources[row.Jobs[j]] = (YamlMappingNode)((YamlSequenceNode)Y.Get(rowNode, "jobs")!).Children[j];
            }
        }

        return loaded;
    }

    internal static RegistryException Error(string path, YamlNode node, string? field, string sentence) =>
        node.Start.Line > 0
            ? RegistryErrors.At(RegistryErrorKind.Schema, path, sentence, (int)node.Start.Line, (int)node.Start.Column, field)
            : RegistryErrors.At(RegistryErrorKind.Schema, path, sentence, field: field);

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
        public SessionRow Row(YamlMappingNode node, string field)
        {
            var nameNode = Y.Get(node, "name");
            var name = nameNode is null ? null : String(nameNode, field + ".name");
            if (string.IsNullOrEmpty(name))
            {
                throw Error(path, nameNode ?? node, field + ".name", nameNode is null ? "the session has no name; every session needs a unique name." : "the session name is empty; every session needs a unique name.");
            }

            var row = new SessionRow(name);
            ReadRowInto(row, node, field);
            return row;
        }

        private void ReadRowInto(SessionRow row, YamlMappingNode node, string field)
        {
            foreach (var (keyNode, value) in node.Children)
            {
                var key = ((YamlScalarNode)keyNode).Value!;
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

        private PaneInfo? Pane(YamlNode node, string field)
        {
            if (Y.IsNull(node))
            {
                return null;
            }

            if (node is not YamlMappingNode map)
            {
                throw Error(path, node, field, "must be a mapping (pid:, cmd:, cwd:) or null, not a " + Y.KindOf(node) + ".");
            }

            var pane = new PaneInfo();
            ReadPaneInto(pane, map, field);
            return pane;
        }

        private void ReadPaneInto(PaneInfo pane, YamlMappingNode map, string field)
        {
            foreach (var (key, value) in map.Children)
            {
                switch (((YamlScalarNode)key).Value)
                {
                    case "pid": pane.Pid = Integer(value, field + ".pid"); break;
                    case "cmd": pane.Cmd = String(value, field + ".cmd"); break;
                    case "cwd": pane.Cwd = String(value, field + ".cwd"); break;
                }
            }
        }

        private void Identities(IDictionary<string, IDictionary<string, string?>> target, YamlNode node, string field)
        {
            if (Y.IsNull(node))
            {
                return;
            }

            if (node is not YamlMappingNode map)
            {
                throw Error(path, node, field, "must be a mapping of agent to ids (claude: { session_id: … }), not a " + Y.KindOf(node) + ".");
            }

            foreach (var (agent, value) in map.Children)
            {
                var name = ((YamlScalarNode)agent).Value!;
                target[name] = IdentityFields(value, field + "." + name);
            }
        }

        private Dictionary<string, string?> IdentityFields(YamlNode node, string field)
        {
            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (Y.IsNull(node))
            {
                return fields;
            }

            if (node is not YamlMappingNode map)
            {
                throw Error(path, node, field, "must be a mapping of id names to ids, not a " + Y.KindOf(node) + ".");
            }

            foreach (var (key, value) in map.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                fields[name] = String(value, field + "." + name);
            }

            return fields;
        }

        private void Jobs(IList<JobEntry> target, YamlNode node, string field)
        {
            if (Y.IsNull(node))
            {
                return;
            }

            if (node is not YamlSequenceNode seq)
            {
                throw Error(path, node, field, "must be a sequence of jobs (`- job_id: …` items), not a " + Y.KindOf(node) + ".");
            }

            for (var i = 0; i < seq.Children.Count; i++)
            {
                var f = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
                if (seq.Children[i] is not YamlMappingNode map)
                {
                    throw Error(path, seq.Children[i], f, "each job must be a mapping with a job_id, not a " + Y.KindOf(seq.Children[i]) + ".");
                }

                target.Add(Job(map, f));
            }
        }

        public JobEntry Job(YamlMappingNode map, string field)
        {
            var idNode = Y.Get(map, "job_id");
            var id = idNode is null ? null : String(idNode, field + ".job_id");
            if (string.IsNullOrEmpty(id))
            {
                throw Error(path, idNode ?? map, field + ".job_id", "the job has no job_id.");
            }

            var job = new JobEntry(id);
            ReadJobInto(job, map, field);
            return job;
        }

        private void ReadJobInto(JobEntry job, YamlMappingNode map, string field)
        {
            foreach (var (key, value) in map.Children)
            {
                switch (((YamlScalarNode)key).Value)
                {
                    case "auth_token": job.AuthToken = String(value, field + ".auth_token"); break;
                    case "status":
                        if (Y.IsNull(value))
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

        public string? String(YamlNode node, string field)
        {
            if (Y.IsNull(node))
            {
                return null;
            }

            return Text(node, field);
        }

        private SessionStatus? Status(YamlNode node, string field)
        {
            if (Y.IsNull(node))
            {
                return null;
            }

            var text = Text(node, field);
            return ParseStatus(text) ?? throw Error(path, node, field, $"'{text}' is not a session status; expected exactly {StatusWords} (free text goes in last_visible_note).");
        }

        private DateTimeOffset? Timestamp(YamlNode node, string field)
        {
            if (Y.IsNull(node))
            {
                return null;
            }

            var text = Text(node, field);
            return YamlScalars.TryParseTimestamp(text, out var value)
                ? value
                : throw Error(path, node, field, $"'{text}' is not an RFC 3339 timestamp (for example 2026-11-20T10:00:00Z).");
        }

        private bool? Bool(YamlNode node, string field)
        {
            if (Y.IsNull(node))
            {
                return null;
            }

            if (Y.IsPlain(node) && YamlScalars.TryParseBool(((YamlScalarNode)node).Value!, out var value))
            {
                return value;
            }

            throw Error(path, node, field, node is YamlScalarNode s ? $"'{s.Value}' is not a boolean; expected true or false (unquoted)." : "must be true or false, not a " + Y.KindOf(node) + ".");
        }

        public long? Integer(YamlNode node, string field)
        {
            if (Y.IsNull(node))
            {
                return null;
            }

            if (Y.IsPlain(node) && YamlScalars.TryParseInteger(((YamlScalarNode)node).Value!, out var value))
            {
                return value;
            }

            throw Error(path, node, field, node is YamlScalarNode s ? $"'{s.Value}' is not an integer (an unquoted decimal number is expected)." : "must be an integer, not a " + Y.KindOf(node) + ".");
        }

        private string Text(YamlNode node, string field) =>
            node is YamlScalarNode scalar ? scalar.Value! : throw Error(path, node, field, "must be text, not a " + Y.KindOf(node) + ".");
    }
}
