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
            // A newer writer's file is never rewritten by an older reader: only the version this one knows.
            registry.Version = value == 1 ? 1 : throw Error(path, version, "version", string.Create(CultureInfo.InvariantCulture, $"schema version {value} is not supported (this tool reads version 1); the file is left as it is."));
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

    private static readonly string[] SessionWords = ["running", "stopped", "terminated", "archived"];
    private static readonly string[] JobWords = ["running", "completed", "error", "cancelled"];

    public static string StatusWord(SessionStatus status) => SessionWords[(int)status];

    public static string JobStatusWord(JobStatus status) => JobWords[(int)status];

    /// <summary>Reads typed values out of nodes, failing with the file, line, column and field.</summary>
    internal sealed class Reader(string path)
    {
        public SessionRow Row(YamlMappingNode node, string field)
        {
            var row = new SessionRow(Id(node, "name", field, "the session has no name; every session needs a unique name."));
            foreach (var (key, value) in Entries(node, field))
            {
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
                    case "pane": row.Pane = Y.IsNull(value) ? null : Pane(value, f); break;
                    case "claude_session_id_own": row.ClaudeSessionIdOwn = String(value, f); break;
                    case "agy_session_id_own": row.AgySessionIdOwn = String(value, f); break;
                    case "agent_identities":
                        foreach (var (agent, ids) in Entries(value, f, "a mapping of agent to ids (claude: { session_id: … })"))
                        {
                            row.AgentIdentities[agent] = Entries(ids, f + "." + agent, "a mapping of id names to ids")
                                .ToDictionary(e => e.Key, e => String(e.Value, $"{f}.{agent}.{e.Key}"), StringComparer.Ordinal);
                        }

                        break;
                    case "jobs":
                        var jobs = Y.IsNull(value) ? [] : value as YamlSequenceNode ?? throw Error(path, value, f, "must be a sequence of jobs (`- job_id: …` items), not a " + Y.KindOf(value) + ".");
                        for (var i = 0; i < jobs.Children.Count; i++)
                        {
                            var jf = string.Create(CultureInfo.InvariantCulture, $"{f}[{i}]");
                            row.Jobs.Add(Job(jobs.Children[i] as YamlMappingNode ?? throw Error(path, jobs.Children[i], jf, "each job must be a mapping with a job_id, not a " + Y.KindOf(jobs.Children[i]) + "."), jf));
                        }

                        break;
                }
            }

            return row;
        }

        public JobEntry Job(YamlMappingNode node, string field)
        {
            var job = new JobEntry(Id(node, "job_id", field, "the job has no job_id."));
            foreach (var (key, value) in Entries(node, field))
            {
                switch (key)
                {
                    case "auth_token": job.AuthToken = String(value, field + ".auth_token"); break;
                    case "status": job.Status = Word<JobStatus>(value, field + ".status", JobWords, $"is not a job status; expected {JobStatusWords}."); break;
                    case "last_seq": job.LastSeq = Integer(value, field + ".last_seq"); break;
                }
            }

            return job;
        }

        public string? String(YamlNode node, string field) => Y.IsNull(node) ? null : Text(node, field);

        public long? Integer(YamlNode node, string field) =>
            Y.IsNull(node) ? null
            : Y.IsPlain(node) && YamlScalars.TryParseInteger(((YamlScalarNode)node).Value!, out var value) ? value
            : throw Error(path, node, field, node is YamlScalarNode s ? $"'{s.Value}' is not an integer (an unquoted decimal number is expected)." : "must be an integer, not a " + Y.KindOf(node) + ".");

        private PaneInfo Pane(YamlNode node, string field)
        {
            var pane = new PaneInfo();
            foreach (var (key, value) in Entries(node, field, "a mapping (pid:, cmd:, cwd:, socket:, id:) or null"))
            {
                switch (key)
                {
                    case "pid": pane.Pid = Integer(value, field + ".pid"); break;
                    case "cmd": pane.Cmd = String(value, field + ".cmd"); break;
                    case "cwd": pane.Cwd = String(value, field + ".cwd"); break;
                    case "socket": pane.Socket = String(value, field + ".socket"); break;
                    case "id": pane.Id = String(value, field + ".id"); break;
                }
            }

            return pane;
        }

        /// <summary>The entries of a mapping (none for null), each key as text; anything else is an error saying what was expected.</summary>
        private IEnumerable<KeyValuePair<string, YamlNode>> Entries(YamlNode node, string field, string expected = "a mapping") =>
            Y.IsNull(node) ? []
            : node is YamlMappingNode map ? map.Children.Select(e => new KeyValuePair<string, YamlNode>(((YamlScalarNode)e.Key).Value!, e.Value))
            : throw Error(path, node, field, $"must be {expected}, not a {Y.KindOf(node)}.");

        private string Id(YamlMappingNode node, string key, string field, string missing)
        {
            var idNode = Y.Get(node, key);
            var id = idNode is null ? null : String(idNode, field + "." + key);
            return !string.IsNullOrEmpty(id) ? id : throw Error(path, idNode ?? node, field + "." + key, idNode is null || key != "name" ? missing : "the session name is empty; every session needs a unique name.");
        }

        private SessionStatus? Status(YamlNode node, string field) =>
            Word<SessionStatus>(node, field, SessionWords, $"is not a session status; expected exactly {StatusWords} (free text goes in last_visible_note).");

        private T? Word<T>(YamlNode node, string field, string[] words, string problem)
            where T : struct, Enum
        {
            if (Y.IsNull(node))
            {
                return null;
            }

            var text = Text(node, field);
            var index = Array.IndexOf(words, text);
            return index >= 0 ? (T)(object)index : throw Error(path, node, field, $"'{text}' {problem}");
        }

        private DateTimeOffset? Timestamp(YamlNode node, string field) =>
            Y.IsNull(node) ? null
            : YamlScalars.TryParseTimestamp(Text(node, field), out var value) ? value
            : throw Error(path, node, field, $"'{Text(node, field)}' is not an RFC 3339 timestamp (for example 2026-11-20T10:00:00Z).");

        private bool? Bool(YamlNode node, string field) =>
            Y.IsNull(node) ? null
            : Y.IsPlain(node) && YamlScalars.TryParseBool(((YamlScalarNode)node).Value!, out var value) ? value
            : throw Error(path, node, field, node is YamlScalarNode s ? $"'{s.Value}' is not a boolean; expected true or false (unquoted)." : "must be true or false, not a " + Y.KindOf(node) + ".");

        private string Text(YamlNode node, string field) =>
            node is YamlScalarNode scalar ? scalar.Value! : throw Error(path, node, field, "must be text, not a " + Y.KindOf(node) + ".");
    }
}
