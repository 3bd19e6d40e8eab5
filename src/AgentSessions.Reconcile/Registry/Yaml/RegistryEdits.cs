using System.Globalization;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Compares the typed registry after a change with how it was when loaded, into a short list of
/// edits of the parsed file; applies them to the node tree (for verification and the full save).
/// </summary>
internal sealed class RegistryEdits
{
    private readonly LoadedRegistry loaded;
    private readonly int version;
    private readonly string? workspace;
    private readonly SessionRow[] rows;
    private readonly Dictionary<SessionRow, string> fingerprints = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SessionRow, JobEntry[]> jobs = new(ReferenceEqualityComparer.Instance);
    private readonly RegistryMapper.Reader reader;
    private readonly List<Edit> edits = [];
    private static readonly string[] RootKeys = ["version", "workspace", "sessions"];

    /// <summary>Records the registry as loaded; call before the change is applied.</summary>
    public RegistryEdits(LoadedRegistry loaded)
    {
        this.loaded = loaded;
        version = loaded.Registry.Version;
        workspace = loaded.Registry.Workspace;
        reader = new RegistryMapper.Reader(loaded.Path);
        rows = [.. loaded.Registry.Sessions];
        foreach (var row in rows)
        {
            fingerprints[row] = Y.Fingerprint(row);
            jobs[row] = [.. row.Jobs];
        }
    }

    /// <summary>Gets the rows the last <see cref="Diff"/> found changed or new, each with its rendering (the writer maps these again to verify them).</summary>
    public Dictionary<SessionRow, YamlMappingNode> ChangedRows { get; } = new(ReferenceEqualityComparer.Instance);

    /// <summary>Validates a registry after a change: names present and unique, statuses defined, jobs with an id.</summary>
    public static void Validate(string path, Registry registry)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < registry.Sessions.Count; i++)
        {
            var row = registry.Sessions[i];
            var field = string.Create(CultureInfo.InvariantCulture, $"sessions[{i}]");
            string? problem = row is null ? "the change added a null session."
                : string.IsNullOrEmpty(row.Name) ? "the change left a session without a name."
                : !names.Add(row.Name) ? $"the change made session name '{row.Name}' appear twice; names must be unique."
                : null;
            if (problem is not null)
            {
                throw RegistryErrors.At(RegistryErrorKind.Schema, path, problem, field: row is null ? field : field + ".name");
            }

            foreach (var (status, key) in new[] { (row!.Status, "status"), (row.LastVisibleStatus, "last_visible_status") })
            {
                if (status is { } s && !Enum.IsDefined(s))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Schema, path, $"{(int)s} is not a session status; expected {RegistryMapper.StatusWords}.", field: $"{field}.{key}");
                }
            }

            for (var j = 0; j < row.Jobs.Count; j++)
            {
                var job = row.Jobs[j];
                var jobField = string.Create(CultureInfo.InvariantCulture, $"{field}.jobs[{j}]");
                if (job is null || string.IsNullOrEmpty(job.JobId))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Schema, path, "the change left a job without a job_id.", field: jobField);
                }

                if (job.Status is { } js && !Enum.IsDefined(js))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Schema, path, $"{(int)js} is not a job status.", field: jobField + ".status");
                }
            }
        }
    }

    /// <summary>Gets the edits that turn the loaded file into the changed registry; empty when nothing changed.</summary>
    public List<Edit> Diff()
    {
        edits.Clear();
        ChangedRows.Clear();
        var registry = loaded.Registry;
        if (loaded.Yaml.Root is not YamlMappingNode root)
        {
            // An empty file (or a lone null): only something beyond the implied `version: 1` is worth creating.
            if (registry.Version != 1 || registry.Workspace is not null || registry.Sessions.Count > 0)
            {
                var fresh = new YamlMappingNode { { "version", Y.Plain(registry.Version.ToString(CultureInfo.InvariantCulture)) } };
                if (registry.Workspace is { } name)
                {
                    fresh.Add("workspace", Y.Str(name));
                }

                fresh.Add("sessions", new YamlSequenceNode(registry.Sessions.Select(r => ChangedRows[r] = Y.Render(r))) { Style = registry.Sessions.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block });
                edits.Add(new Edit(EditKind.SetRoot, null, 0, New: fresh));
            }

            return edits;
        }

        if (registry.Version != version)
        {
            Set(root, "version", Y.Plain(registry.Version.ToString(CultureInfo.InvariantCulture)), 0, RootKeys);
        }

        if (!string.Equals(registry.Workspace, workspace, StringComparison.Ordinal))
        {
            Set(root, "workspace", registry.Workspace is null ? null : Y.Str(registry.Workspace), 0, RootKeys);
        }

        DiffSeq(root, "sessions", rows, registry.Sessions, r => r.Name, 0, RootKeys);
        return edits;
    }

    /// <summary>Sets, inserts (after the nearest key before it in <paramref name="order"/>) or, for <see langword="null"/>, removes a key of a mapping of the file.</summary>
    private void Set(YamlMappingNode map, string key, YamlNode? value, int depth, IEnumerable<string> order)
    {
        var entry = Entry(map, key);
        if (value is null)
        {
            if (entry is { } e && !Y.IsNull(e.Value))
            {
                edits.Add(new Edit(EditKind.RemoveKey, map, depth, e.Key, e.Value));
            }
        }
        else if (entry is { } e)
        {
            edits.Add(new Edit(EditKind.SetValue, map, depth, e.Key, e.Value, value));
        }
        else
        {
            // After the nearest key before it that is in the file or inserted just before (so inserts keep their order).
            var after = map.Style == MappingStyle.Flow ? null : order.TakeWhile(k => k != key).Select(k => Entry(map, k)?.Key ?? Inserted(map, k)).LastOrDefault(k => k is not null);
            edits.Add(new Edit(EditKind.InsertKey, map, depth, new YamlScalarNode(key), New: value, After: after));
        }
    }

    /// <summary>Edits the mapping <paramref name="node"/> of the file from what its typed owner rendered to before and after the change.</summary>
    private void DiffMap(YamlMappingNode node, YamlMappingNode was, YamlMappingNode now, (JobEntry[] Was, IList<JobEntry> Now)? jobLists, int depth)
    {
        var keys = now.Children.Keys.Concat(was.Children.Keys.Where(k => !now.Children.ContainsKey(k))).ToList();
        var order = keys.Select(k => ((YamlScalarNode)k).Value!).ToList();
        foreach (var keyNode in keys)
        {
            var key = ((YamlScalarNode)keyNode).Value!;
            var a = now.Children.TryGetValue(keyNode, out var x) ? x : null;
            var b = was.Children.TryGetValue(keyNode, out var y) ? y : null;
            if (Y.Same(a, b))
            {
                continue;
            }

            var old = Entry(node, key)?.Value;
            if (jobLists is { } lists && key == "jobs")
            {
                DiffSeq(node, "jobs", lists.Was, lists.Now, j => j.JobId, depth, order);
            }
            else if (a is YamlMappingNode am && b is YamlMappingNode bm && old is YamlMappingNode om)
            {
                DiffMap(om, bm, am, null, depth + 1);
            }
            else
            {
                Set(node, key, a, depth, order);
            }
        }
    }

    /// <summary>Edits a sequence of rows or jobs: items matched by reference (then by name or job id), changed in place, removed, appended.</summary>
    private void DiffSeq<T>(YamlMappingNode parent, string key, IList<T> was, IList<T> now, Func<T, string> keyOf, int depth, IEnumerable<string> order)
        where T : class
    {
        var render = (T item) => item is SessionRow row ? (ChangedRows.TryGetValue(row, out var node) ? node : ChangedRows[row] = Y.Render(row)) : Y.Render((JobEntry)(object)item);
        var node = Entry(parent, key)?.Value;
        if (was.Count == 0 || now.Count == 0 || node is not YamlSequenceNode seq)
        {
            if (was.Count != 0 || now.Count != 0)
            {
                Set(parent, key, new YamlSequenceNode(now.Select(render)) { Style = now.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block }, depth, order);
            }

            return;
        }

        var index = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        for (var j = 0; j < was.Count; j++)
        {
            index[was[j]] = j;
        }

        var matched = new int[now.Count];
        var used = new bool[was.Count];
        for (var i = 0; i < now.Count; i++)
        {
            matched[i] = index.TryGetValue(now[i], out var j) && !used[j] ? j : -1;
            if (matched[i] >= 0)
            {
                used[matched[i]] = true;
            }
        }

        for (var i = 0; i < now.Count; i++)
        {
            for (var j = 0; j < was.Count && matched[i] < 0; j++)
            {
                if (!used[j] && (Y.Get(loaded.Sources[was[j]], key == "jobs" ? "job_id" : "name") as YamlScalarNode)?.Value == keyOf(now[i]))
                {
                    (matched[i], used[j]) = (j, true);
                }
            }
        }

        // The file keeps its order only when kept items stay in order and new ones come after them all.
        var (inOrder, last, sawNew) = (true, -1, false);
        for (var i = 0; i < now.Count; i++)
        {
            inOrder &= matched[i] < 0 || (matched[i] > last && !sawNew);
            sawNew |= matched[i] < 0;
            last = Math.Max(last, matched[i]);
            if (matched[i] >= 0 && Changed(was[matched[i]], now[i]))
            {
                var source = loaded.Sources[was[matched[i]]];
                var before = now[i] is SessionRow ? Y.Render(reader.Row(source, key)) : Y.Render(reader.Job(source, key));
                DiffMap(source, before, render(now[i]), now[i] is SessionRow row ? (jobs[(SessionRow)(object)was[matched[i]]], row.Jobs) : null, depth + 2);
            }
        }

        if (!inOrder)
        {
            var items = new List<YamlNode>();
            for (var i = 0; i < now.Count; i++)
            {
                items.Add(matched[i] >= 0 ? loaded.Sources[was[matched[i]]] : render(now[i]));
            }

            edits.Add(new Edit(EditKind.SetItems, seq, depth + 1, Items: items));
            return;
        }

        for (var j = 0; j < was.Count; j++)
        {
            if (!used[j])
            {
                edits.Add(new Edit(EditKind.RemoveItem, seq, depth + 1, Old: loaded.Sources[was[j]]));
            }
        }

        for (var i = 0; i < now.Count; i++)
        {
            if (matched[i] < 0)
            {
                edits.Add(new Edit(EditKind.AppendItem, seq, depth + 1, New: render(now[i])));
            }
        }
    }

    private YamlScalarNode? Inserted(YamlMappingNode map, string key) =>
        edits.Find(e => e.Kind == EditKind.InsertKey && ReferenceEquals(e.Container, map) && e.Key!.Value == key)?.Key;

    /// <summary>Gets a value indicating whether an item may have changed since load: another object in its place, or (a row) other values.</summary>
    private bool Changed(object was, object now) =>
        !ReferenceEquals(was, now) || now is not SessionRow row || fingerprints[row] != Y.Fingerprint(row);

    private static (YamlScalarNode Key, YamlNode Value)? Entry(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode s && s.Value == key)
            {
                return (s, v);
            }
        }

        return null;
    }
}
