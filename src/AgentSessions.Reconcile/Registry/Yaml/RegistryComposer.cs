using System.Globalization;
using YamlDotNet.Core;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Builds the document a changed <see cref="Registry"/> should be: every parsed node whose
/// meaning did not change is reused as is (by reference), so the writer knows exactly what to
/// keep byte for byte; changed or new values are fresh nodes. Unknown keys are never touched.
/// </summary>
internal static class RegistryComposer
{
    private static readonly string[] RootKeys = ["version", "workspace", "sessions"];

    private static readonly string[] RowKeys =
    [
        "name", "agent", "project", "cwd", "status", "last_visible_status", "last_visible_note",
        "created_at", "updated_at", "terminated_at", "termination_mode", "resumable", "pane",
        "claude_session_id_own", "agy_session_id_own", "agent_identities", "jobs",
    ];

    private static readonly string[] PaneKeys = ["pid", "cmd", "cwd"];
    private static readonly string[] JobKeys = ["job_id", "auth_token", "status"];

    /// <summary>Validates a registry after a change (names present and unique, enum values defined).</summary>
    public static void Validate(string path, Registry registry)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < registry.Sessions.Count; i++)
        {
            var row = registry.Sessions[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"sessions[{i}]");
            if (row is null)
            {
                throw RegistryErrors.At(RegistryErrorKind.Schema, path, "the change added a null session.", field: field);
            }

            if (string.IsNullOrEmpty(row.Name))
            {
                throw RegistryErrors.At(RegistryErrorKind.Schema, path, "the change left a session without a name.", field: field + ".name");
            }

            if (!names.Add(row.Name))
            {
                throw RegistryErrors.At(RegistryErrorKind.Schema, path, $"the change made session name '{row.Name}' appear twice; names must be unique.", field: field + ".name");
            }

            CheckStatus(path, row.Status, field + ".status");
            CheckStatus(path, row.LastVisibleStatus, field + ".last_visible_status");
            for (var j = 0; j < row.Jobs.Count; j++)
            {
                var job = row.Jobs[j];
                var jf = string.Create(CultureInfo.InvariantCulture, $"{field}.jobs[{j}]");
                if (job is null || string.IsNullOrEmpty(job.JobId))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Schema, path, "the change left a job without a job_id.", field: jf);
                }

                if (job.Status is { } s && !Enum.IsDefined(s))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Schema, path, $"{(int)s} is not a job status.", field: jf + ".status");
                }
            }
        }
    }

    private static void CheckStatus(string path, SessionStatus? status, string field)
    {
        if (status is { } s && !Enum.IsDefined(s))
        {
            throw RegistryErrors.At(RegistryErrorKind.Schema, path, $"{(int)s} is not a session status; expected {RegistryMapper.StatusWords}.", field: field);
        }
    }

    /// <summary>Returns the intended root; the parsed root itself (same reference) when nothing changed.</summary>
    public static YNode? Compose(LoadedRegistry loaded, Registry registry)
    {
        var reader = new RegistryMapper.Reader(loaded.Path);
        var origRoot = loaded.Document.Root as YMap;
        var map = new MapComposer(origRoot, RootKeys);

        var versionNode = origRoot?.Get("version");
        var oldVersion = versionNode is null ? 1 : (int?)reader.Integer(versionNode, "version") ?? 1;
        if (oldVersion != registry.Version || (origRoot is null && loaded.Document.Root is null))
        {
            map.Set("version", Plain(registry.Version.ToString(CultureInfo.InvariantCulture)));
        }

        map.Set("workspace", StringField(reader, origRoot?.Get("workspace"), registry.Workspace, "workspace"));
        map.Set("sessions", Sessions(loaded, reader, origRoot?.Get("sessions"), registry));
        var result = map.Result();
        if (origRoot is null && result is YMap fresh && (fresh.Entries.Count == 0 || (fresh.Entries.Count == 1 && fresh.Entries[0].Key.Value == "version" && registry.Version == 1)))
        {
            // Nothing but the implied `version: 1` would be written: there is nothing to create.
            return loaded.Document.Root;
        }

        return result;
    }

    private static YNode? Sessions(LoadedRegistry loaded, RegistryMapper.Reader reader, YNode? orig, Registry registry)
    {
        var origSeq = orig as YSeq;
        var sources = Match(loaded, origSeq, registry.Sessions, "name", r => r.Name);
        var items = new List<YNode>(registry.Sessions.Count);
        for (var i = 0; i < registry.Sessions.Count; i++)
        {
            var row = registry.Sessions[i];
            if (sources[i] is { } source && loaded.Snapshots is { } snapshots && row is not null
                && snapshots.TryGetValue(row, out var snapshot) && snapshot.Unchanged(row)
                && loaded.Sources.TryGetValue(row, out var loadedFrom) && ReferenceEquals(loadedFrom, source))
            {
                // Untouched since the snapshot taken at load: its parsed node is its composition.
                items.Add(source);
                continue;
            }

            var field = string.Create(CultureInfo.InvariantCulture, $"sessions[{i}]");
            items.Add(Row(loaded, reader, sources[i], row!, field));
        }

        return Seq(orig, origSeq, items);
    }

    /// <summary>Pairs each typed item with its parsed node: by reference first, then by key among the nodes left.</summary>
    private static YMap?[] Match<T>(LoadedRegistry loaded, YSeq? origSeq, IList<T> items, string key, Func<T, string> keyOf)
        where T : class
    {
        var sources = new YMap?[items.Count];
        if (origSeq is null)
        {
            return sources;
        }

        var owned = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
        foreach (var item in origSeq.Items)
        {
            owned.Add(item);
        }

        var used = new HashSet<YNode>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not null && loaded.Sources.TryGetValue(items[i], out var node) && owned.Contains(node) && used.Add(node))
            {
                sources[i] = node;
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (sources[i] is not null || items[i] is null)
            {
                continue;
            }

            var wanted = keyOf(items[i]);
            foreach (var item in origSeq.Items)
            {
                if (item is YMap candidate && !used.Contains(candidate) && candidate.Get(key) is YScalar id && id.Value == wanted)
                {
                    used.Add(candidate);
                    sources[i] = candidate;
                    break;
                }
            }
        }

        return sources;
    }

    private static YNode? Seq(YNode? orig, YSeq? origSeq, List<YNode> items)
    {
        if (origSeq is not null && origSeq.Items.Count == items.Count)
        {
            var same = true;
            for (var i = 0; i < items.Count && same; i++)
            {
                same = ReferenceEquals(items[i], origSeq.Items[i]);
            }

            if (same)
            {
                return origSeq;
            }
        }

        if (items.Count == 0 && origSeq is null)
        {
            return orig; // absent or null stays as it was
        }

        var seq = new YSeq { Origin = origSeq, Flow = items.Count == 0 || (origSeq?.Flow ?? false) };
        seq.Items.AddRange(items);
        return seq;
    }

    private static YMap Row(LoadedRegistry loaded, RegistryMapper.Reader reader, YMap? orig, SessionRow row, string field)
    {
        var map = new MapComposer(orig, RowKeys);
        map.Set("name", StringField(reader, orig?.Get("name"), row.Name, field + ".name"));
        map.Set("agent", StringField(reader, orig?.Get("agent"), row.Agent, field + ".agent"));
        map.Set("project", StringField(reader, orig?.Get("project"), row.Project, field + ".project"));
        map.Set("cwd", StringField(reader, orig?.Get("cwd"), row.Cwd, field + ".cwd"));
        map.Set("status", Field(orig?.Get("status"), row.Status, n => reader.Status(n, field), s => Plain(RegistryMapper.StatusWord(s))));
        map.Set("last_visible_status", Field(orig?.Get("last_visible_status"), row.LastVisibleStatus, n => reader.Status(n, field), s => Plain(RegistryMapper.StatusWord(s))));
        map.Set("last_visible_note", StringField(reader, orig?.Get("last_visible_note"), row.LastVisibleNote, field));
        map.Set("created_at", Field(orig?.Get("created_at"), row.CreatedAt, n => reader.Timestamp(n, field), t => Plain(YamlScalars.RenderTimestamp(t))));
        map.Set("updated_at", Field(orig?.Get("updated_at"), row.UpdatedAt, n => reader.Timestamp(n, field), t => Plain(YamlScalars.RenderTimestamp(t))));
        map.Set("terminated_at", Field(orig?.Get("terminated_at"), row.TerminatedAt, n => reader.Timestamp(n, field), t => Plain(YamlScalars.RenderTimestamp(t))));
        map.Set("termination_mode", StringField(reader, orig?.Get("termination_mode"), row.TerminationMode, field));
        map.Set("resumable", Field(orig?.Get("resumable"), row.Resumable, n => reader.Bool(n, field), b => Plain(b ? "true" : "false")));
        map.Set("pane", Pane(reader, orig?.Get("pane"), row.Pane, field + ".pane"));
        map.Set("claude_session_id_own", StringField(reader, orig?.Get("claude_session_id_own"), row.ClaudeSessionIdOwn, field));
        map.Set("agy_session_id_own", StringField(reader, orig?.Get("agy_session_id_own"), row.AgySessionIdOwn, field));
        map.Set("agent_identities", Identities(reader, orig?.Get("agent_identities"), row.AgentIdentities, field + ".agent_identities"));
        map.Set("jobs", Jobs(loaded, reader, orig?.Get("jobs"), row.Jobs, field + ".jobs"));
        return (YMap)map.Result()!;
    }

    private static YNode? Pane(RegistryMapper.Reader reader, YNode? orig, PaneInfo? pane, string field)
    {
        if (pane is null)
        {
            return orig is YMap ? YScalar.Null() : orig;
        }

        var origMap = orig as YMap;
        var map = new MapComposer(origMap, PaneKeys) { NewIsFlow = true };
        map.Set("pid", Field(origMap?.Get("pid"), pane.Pid, n => reader.Integer(n, field), p => Plain(p.ToString(CultureInfo.InvariantCulture))));
        map.Set("cmd", StringField(reader, origMap?.Get("cmd"), pane.Cmd, field));
        map.Set("cwd", StringField(reader, origMap?.Get("cwd"), pane.Cwd, field));
        return map.Result() ?? new YMap { Flow = true };
    }

    private static YNode? Identities(RegistryMapper.Reader reader, YNode? orig, IDictionary<string, IDictionary<string, string?>> ids, string field)
    {
        var origMap = orig as YMap;
        if (ids.Count == 0 && origMap is null)
        {
            return orig;
        }

        var map = new MapComposer(origMap, []);
        if (origMap is not null)
        {
            foreach (var (agentKey, _) in origMap.Entries)
            {
                if (!ids.ContainsKey(agentKey.Value))
                {
                    map.Set(agentKey.Value, null);
                }
            }
        }

        foreach (var (agent, fields) in ids)
        {
            var origInner = origMap?.Get(agent);
            var inner = new MapComposer(origInner as YMap, []) { NewIsFlow = true };
            if (origInner is YMap origInnerMap)
            {
                foreach (var (key, _) in origInnerMap.Entries)
                {
                    if (fields is null || !fields.ContainsKey(key.Value))
                    {
                        inner.Set(key.Value, null);
                    }
                }
            }

            if (fields is not null)
            {
                foreach (var (key, value) in fields)
                {
                    inner.Set(key, StringField(reader, (origInner as YMap)?.Get(key), value, field));
                }
            }

            YNode? result = inner.Result();
            if (result is YMap { Entries.Count: 0 } && origInner is YScalar { IsNull: true })
            {
                result = origInner;
            }

            map.Set(agent, result ?? new YMap { Flow = true });
        }

        return map.Result();
    }

    private static YNode? Jobs(LoadedRegistry loaded, RegistryMapper.Reader reader, YNode? orig, IList<JobEntry> jobs, string field)
    {
        var origSeq = orig as YSeq;
        if (jobs.Count == 0 && origSeq is null)
        {
            return orig;
        }

        var sources = Match(loaded, origSeq, jobs, "job_id", j => j.JobId);
        var items = new List<YNode>(jobs.Count);
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var source = sources[i];
            var map = new MapComposer(source, JobKeys);
            map.Set("job_id", StringField(reader, source?.Get("job_id"), job.JobId, field));
            map.Set("auth_token", StringField(reader, source?.Get("auth_token"), job.AuthToken, field));
            map.Set("status", Field(source?.Get("status"), job.Status, n => n is YScalar { IsNull: true } ? null : RegistryMapper.ParseJobStatus(((YScalar)n).Value), s => Plain(RegistryMapper.JobStatusWord(s))));
            items.Add(map.Result()!);
        }

        return Seq(orig, origSeq, items);
    }

    private static YNode? StringField(RegistryMapper.Reader reader, YNode? orig, string? value, string field) =>
        Field(orig, value, n => reader.String(n, field), Str);

    /// <summary>Keeps <paramref name="orig"/> when it already means <paramref name="value"/>; otherwise renders the new value.</summary>
    private static YNode? Field<T>(YNode? orig, T? value, Func<YNode, T?> read, Func<T, YScalar> render)
        where T : class
    {
        var old = orig is null ? null : read(orig);
        if (Equals(old, value))
        {
            return orig;
        }

        return value is null ? (orig is null ? null : YScalar.Null()) : render(value);
    }

    private static YNode? Field<T>(YNode? orig, T? value, Func<YNode, T?> read, Func<T, YScalar> render)
        where T : struct
    {
        var old = orig is null ? null : read(orig);
        if (Nullable.Equals(old, value))
        {
            return orig;
        }

        return value is null ? (orig is null ? null : YScalar.Null()) : render(value.Value);
    }

    internal static YScalar Plain(string text) => new(text, ScalarStyle.Plain);

    internal static YScalar Str(string text) =>
        YamlScalars.CanBePlainString(text) ? new YScalar(text, ScalarStyle.Plain) : new YScalar(text, ScalarStyle.DoubleQuoted);

    /// <summary>Edits the entries of one mapping, keeping parsed entries and their order.</summary>
    private sealed class MapComposer(YMap? orig, string[] canonical)
    {
        private readonly List<KeyValuePair<YScalar, YNode>> entries = orig is null ? [] : [.. orig.Entries];
        private bool changed = orig is null;

        public bool NewIsFlow { get; init; }

        /// <summary>Sets a key to a node; <see langword="null"/> removes it.</summary>
        public void Set(string key, YNode? value)
        {
            var index = -1;
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i].Key.Value == key)
                {
                    index = i;
                    break;
                }
            }

            if (index >= 0)
            {
                if (value is null)
                {
                    entries.RemoveAt(index);
                    changed = true;
                }
                else if (!ReferenceEquals(entries[index].Value, value))
                {
                    entries[index] = new(entries[index].Key, value);
                    changed = true;
                }

                return;
            }

            if (value is null)
            {
                return;
            }

            var rank = Array.IndexOf(canonical, key);
            var at = rank < 0 ? entries.Count : 0;
            if (rank >= 0)
            {
                for (var i = 0; i < entries.Count; i++)
                {
                    var other = Array.IndexOf(canonical, entries[i].Key.Value);
                    if (other >= 0 && other < rank)
                    {
                        at = i + 1;
                    }
                }
            }

            entries.Insert(at, new(Str(key), value));
            changed = true;
        }

        public YMap? Result()
        {
            if (!changed)
            {
                return orig;
            }

            var map = new YMap { Origin = orig, Flow = orig?.Flow ?? NewIsFlow };
            map.Entries.AddRange(entries);
            return map;
        }
    }
}
