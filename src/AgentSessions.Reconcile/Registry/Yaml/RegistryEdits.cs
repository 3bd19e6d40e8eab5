using System.Globalization;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Compares the typed registry after a change with how it was when loaded: which rows changed, went or
/// came, and the short list of edits of the parsed file that make one row (or the whole file) the
/// changed one; applies edits to a node tree (for verification and the full save).
/// </summary>
internal sealed class RegistryEdits
{
    private readonly LoadedRegistry loaded;
    private readonly RegistrySnapshot snapshot;
    private readonly SessionRow[] rows;
    private readonly JobEntry[]?[] jobs;
    private readonly List<Edit> edits = [];
    private static readonly string[] RootKeys = ["version", "workspace", "sessions"];

    /// <summary>Records the registry as loaded (the rows handed out and their jobs); call before the change is applied.</summary>
    public RegistryEdits(LoadedRegistry loaded)
    {
        this.loaded = loaded;
        snapshot = loaded.Snapshot;
        rows = [.. loaded.Registry.Sessions];
        jobs = new JobEntry[]?[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            jobs[i] = rows[i].JobsIfAny is { } rowJobs ? [.. rowJobs] : null;
        }
    }

    /// <summary>Gets, after <see cref="Compare"/>, where each row now was before (-1: new), whether the kept rows stayed in order, and which changed.</summary>
    public RowMatch Sessions { get; private set; } = null!;

    /// <summary>Gets a value indicating whether, after <see cref="Compare"/>, version or workspace changed.</summary>
    public bool RootChanged { get; private set; }

    /// <summary>Validates a registry after a change: names present and unique, statuses defined, jobs with an id.</summary>
    public static void Validate(string path, Registry registry)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < registry.Sessions.Count; i++)
        {
            // The field names are made only for an error: a valid registry of thousands of rows costs no string per row.
            var row = registry.Sessions[i];
            string Field() => string.Create(CultureInfo.InvariantCulture, $"sessions[{i}]");
            string? problem = row is null ? "the change added a null session."
                : string.IsNullOrEmpty(row.Name) ? "the change left a session without a name."
                : !names.Add(row.Name) ? $"the change made session name '{row.Name}' appear twice; names must be unique."
                : null;
            if (problem is not null)
            {
                throw RegistryErrors.At(RegistryErrorKind.Schema, path, problem, field: row is null ? Field() : Field() + ".name");
            }

            foreach (var (status, key) in (ReadOnlySpan<(SessionStatus?, string)>)[(row!.Status, "status"), (row.LastVisibleStatus, "last_visible_status")])
            {
                if (status is { } s && !Enum.IsDefined(s))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Schema, path, $"{(int)s} is not a session status; expected {RegistryMapper.StatusWords}.", field: $"{Field()}.{key}");
                }
            }

            for (var j = 0; j < row.JobCount; j++)
            {
                var job = row.JobsIfAny![j];
                string JobField() => string.Create(CultureInfo.InvariantCulture, $"{Field()}.jobs[{j}]");
                if (job is null || string.IsNullOrEmpty(job.JobId))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Schema, path, "the change left a job without a job_id.", field: JobField());
                }

                if (job.Status is { } js && !Enum.IsDefined(js))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Schema, path, $"{(int)js} is not a job status.", field: JobField() + ".status");
                }
            }
        }
    }

    /// <summary>Compares the changed registry with the loaded one; returns whether anything changed.</summary>
    public bool Compare()
    {
        var registry = loaded.Registry;
        RootChanged = registry.Version != snapshot.Version || !string.Equals(registry.Workspace, snapshot.Workspace, StringComparison.Ordinal);
        Sessions = RowMatch.Of(rows, registry.Sessions, j => snapshot.Rows[j].Name, r => r.Name, (j, now) => !RowValues.Same(snapshot.Rows[j], now));
        return RootChanged || Sessions.AnyChange || (!snapshot.HasRoot && registry.Sessions.Count > 0);
    }

    /// <summary>Gets the edits that turn the whole parsed file (<paramref name="yaml"/>, as loaded) into the changed registry; empty when nothing changed.</summary>
    public List<Edit> Diff(YamlText yaml)
    {
        edits.Clear();
        var registry = loaded.Registry;
        if (yaml.Root is not YamlMappingNode root)
        {
            // An empty file (or a lone null): only something beyond the implied `version: 1` is worth creating.
            if (registry.Version != 1 || registry.Workspace is not null || registry.Sessions.Count > 0)
            {
                var fresh = new YamlMappingNode { { "version", Y.Plain(registry.Version.ToString(CultureInfo.InvariantCulture)) } };
                if (registry.Workspace is { } name)
                {
                    fresh.Add("workspace", Y.Str(name));
                }

                fresh.Add("sessions", new YamlSequenceNode(registry.Sessions.Select(Y.Render)) { Style = registry.Sessions.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block });
                edits.Add(new Edit(EditKind.SetRoot, null, 0, New: fresh));
            }

            return edits;
        }

        if (registry.Version != snapshot.Version)
        {
            Set(root, "version", Y.Plain(registry.Version.ToString(CultureInfo.InvariantCulture)), 0, RootKeys);
        }

        if (!string.Equals(registry.Workspace, snapshot.Workspace, StringComparison.Ordinal))
        {
            Set(root, "workspace", registry.Workspace is null ? null : Y.Str(registry.Workspace), 0, RootKeys);
        }

        var seq = Entry(root, "sessions")?.Value as YamlSequenceNode;
        DiffSeq(root, "sessions", Sessions, rows, registry.Sessions, j => (YamlMappingNode)seq!.Children[j], DiffRowInto, Y.Render, 0, RootKeys);
        return edits;
    }

    /// <summary>Gets the edits that make <paramref name="node"/> (the row that was <paramref name="was"/>, parsed on its own) the changed row <paramref name="now"/>.</summary>
    public List<Edit> DiffRow(YamlMappingNode node, int was, SessionRow now)
    {
        edits.Clear();
        DiffRowInto(node, was, now, 2);
        return edits;
    }

    private void DiffRowInto(YamlMappingNode node, int was, SessionRow now, int depth)
    {
        var pristine = snapshot.Rows[was];
        var before = jobs[was] ?? [];
        var match = RowMatch.Of(before, now.Jobs, j => pristine.Jobs[j].JobId, j => j.JobId, (j, job) => !RowValues.Same(pristine.Jobs[j], job));
        var jobSeq = Entry(node, "jobs")?.Value as YamlSequenceNode;
        DiffMap(node, Y.Render(pristine), Y.Render(now), depth, (order, d) =>
            DiffSeq(node, "jobs", match, before, now.Jobs, j => (YamlMappingNode)jobSeq!.Children[j], (n, j, job, dd) => DiffMap(n, Y.Render(pristine.Jobs[j]), Y.Render(job), dd, null), Y.Render, d, order));
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

    /// <summary>Edits the mapping <paramref name="node"/> of the file from what its typed owner rendered to before and after the change; <paramref name="jobList"/> edits a row's jobs.</summary>
    private void DiffMap(YamlMappingNode node, YamlMappingNode was, YamlMappingNode now, int depth, Action<List<string>, int>? jobList)
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
            if (jobList is not null && key == "jobs")
            {
                jobList(order, depth);
            }
            else if (a is YamlMappingNode am && b is YamlMappingNode bm && old is YamlMappingNode om)
            {
                DiffMap(om, bm, am, depth + 1, null);
            }
            else
            {
                Set(node, key, a, depth, order);
            }
        }
    }

    /// <summary>Edits a sequence of rows or jobs from their match: items changed in place, removed, appended, or (out of order) all set.</summary>
    private void DiffSeq<T>(
        YamlMappingNode parent,
        string key,
        RowMatch match,
        IList<T> was,
        IList<T> now,
        Func<int, YamlMappingNode> nodeOf,
        Action<YamlMappingNode, int, T, int> diffItem,
        Func<T, YamlMappingNode> render,
        int depth,
        IEnumerable<string> order)
    {
        var node = Entry(parent, key)?.Value;
        if (was.Count == 0 || now.Count == 0 || node is not YamlSequenceNode seq)
        {
            if (was.Count != 0 || now.Count != 0)
            {
                Set(parent, key, new YamlSequenceNode(now.Select(render)) { Style = now.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block }, depth, order);
            }

            return;
        }

        var matched = match.Matched;
        for (var i = 0; i < now.Count; i++)
        {
            if (match.Changed[i] && matched[i] >= 0)
            {
                diffItem(nodeOf(matched[i]), matched[i], now[i], depth + 2);
            }
        }

        if (!match.InOrder)
        {
            var items = new List<YamlNode>();
            for (var i = 0; i < now.Count; i++)
            {
                items.Add(matched[i] >= 0 ? nodeOf(matched[i]) : render(now[i]));
            }

            edits.Add(new Edit(EditKind.SetItems, seq, depth + 1, Items: items));
            return;
        }

        for (var j = 0; j < was.Count; j++)
        {
            if (!match.Used[j])
            {
                edits.Add(new Edit(EditKind.RemoveItem, seq, depth + 1, Old: nodeOf(j)));
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
