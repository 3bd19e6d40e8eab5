using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>Small helpers over YamlDotNet's representation model: lookups, meaning-equality, typed values as nodes, and emitting.</summary>
internal static class Y
{
    private static readonly EmitterSettings Settings = new EmitterSettings().WithBestWidth(int.MaxValue).WithIndentedSequences().WithNewLine("\n");

    public static bool IsPlain(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any };

    /// <summary>Gets a value indicating whether the node means null (an untagged plain <c>~</c>, <c>null</c> or empty scalar).</summary>
    public static bool IsNull(YamlNode node) => IsPlain(node) && node.Tag.IsEmpty && YamlScalars.IsNullText(((YamlScalarNode)node).Value ?? string.Empty);

    public static YamlNode? Get(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>A string scalar that every YAML reader reads back as that string: plain when safe, else double-quoted.</summary>
    public static YamlScalarNode Str(string value) =>
        new(value) { Style = YamlScalars.CanBePlainString(value) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted };

    public static YamlScalarNode Plain(string text) => new(text) { Style = ScalarStyle.Plain };

    /// <summary>Renders a session row's known fields as nodes, in the registry's key order; absent and null fields are left out.</summary>
    public static YamlMappingNode Render(SessionRow row)
    {
        var map = new YamlMappingNode();
        Add(map, "name", row.Name);
        Add(map, "agent", row.Agent);
        Add(map, "project", row.Project);
        Add(map, "cwd", row.Cwd);
        Add(map, "status", row.Status is { } s ? Plain(RegistryMapper.StatusWord(s)) : null);
        Add(map, "last_visible_status", row.LastVisibleStatus is { } v ? Plain(RegistryMapper.StatusWord(v)) : null);
        Add(map, "last_visible_note", row.LastVisibleNote);
        Add(map, "created_at", Timestamp(row.CreatedAt));
        Add(map, "updated_at", Timestamp(row.UpdatedAt));
        Add(map, "terminated_at", Timestamp(row.TerminatedAt));
        Add(map, "termination_mode", row.TerminationMode);
        Add(map, "resumable", row.Resumable is { } r ? Plain(r ? "true" : "false") : null);
        if (row.Pane is { } pane)
        {
            var node = new YamlMappingNode { Style = MappingStyle.Flow };
            Add(node, "pid", pane.Pid is { } pid ? Plain(pid.ToString(CultureInfo.InvariantCulture)) : null);
            Add(node, "cmd", pane.Cmd);
            Add(node, "cwd", pane.Cwd);
            Add(node, "socket", pane.Socket);
            Add(node, "id", pane.Id);
            map.Add("pane", node);
        }

        Add(map, "claude_session_id_own", row.ClaudeSessionIdOwn);
        Add(map, "agy_session_id_own", row.AgySessionIdOwn);
        if (row.IdentitiesIfAny is { } identities)
        {
            var ids = new YamlMappingNode();
            foreach (var (agent, fields) in identities)
            {
                var inner = new YamlMappingNode { Style = MappingStyle.Flow };
                foreach (var (key, value) in fields ?? new Dictionary<string, string?>())
                {
                    inner.Add(Str(key), value is null ? Plain("null") : Str(value));
                }

                ids.Add(Str(agent), inner);
            }

            map.Add("agent_identities", ids);
        }

        if (row.JobsIfAny is { } rowJobs)
        {
            var jobs = new YamlSequenceNode();
            foreach (var job in rowJobs)
            {
                jobs.Add(Render(job));
            }

            map.Add("jobs", jobs);
        }

        return map;
    }

    public static YamlMappingNode Render(JobEntry job)
    {
        var map = new YamlMappingNode();
        Add(map, "job_id", job.JobId);
        Add(map, "auth_token", job.AuthToken);
        Add(map, "status", job.Status is { } s ? Plain(RegistryMapper.JobStatusWord(s)) : null);
        Add(map, "last_seq", job.LastSeq is { } seq ? Plain(seq.ToString(CultureInfo.InvariantCulture)) : null);
        return map;
    }

    /// <summary>Compares two nodes by meaning: structure, keys and order, tags, values, and plain against quoted where a reader would type the text.</summary>
    public static bool Same(YamlNode? a, YamlNode? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (YamlScalarNode x, YamlScalarNode y):
                return x.Tag == y.Tag && string.Equals(x.Value, y.Value, StringComparison.Ordinal)
                    && (IsPlain(x) == IsPlain(y) || !x.Tag.IsEmpty || !YamlScalars.LooksNonString(x.Value ?? string.Empty));
            case (YamlMappingNode x, YamlMappingNode y) when x.Tag == y.Tag && x.Children.Count == y.Children.Count:
                using (var ex = x.Children.GetEnumerator())
                using (var ey = y.Children.GetEnumerator())
                {
                    while (ex.MoveNext() && ey.MoveNext())
                    {
                        if (!Same(ex.Current.Key, ey.Current.Key) || !Same(ex.Current.Value, ey.Current.Value))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case (YamlSequenceNode x, YamlSequenceNode y) when x.Tag == y.Tag && x.Children.Count == y.Children.Count:
                for (var i = 0; i < x.Children.Count; i++)
                {
                    if (!Same(x.Children[i], y.Children[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Emits a whole document, every non-empty collection in block style (in flow style YamlDotNet quotes text with a colon, which can change its type).</summary>
    public static string EmitWhole(YamlNode root)
    {
        var stack = new Stack<YamlNode>([root]);
        while (stack.TryPop(out var node))
        {
            if (node is YamlMappingNode { Children.Count: > 0 } map)
            {
                map.Style = MappingStyle.Block;
                map.Children.Values.ToList().ForEach(stack.Push);
            }
            else if (node is YamlSequenceNode { Children.Count: > 0 } seq)
            {
                seq.Style = SequenceStyle.Block;
                seq.Children.ToList().ForEach(stack.Push);
            }
        }

        return Emit(root);
    }

    /// <summary>Emits a node as YAML text with YamlDotNet's emitter (block style unless marked flow, two-space indents, <c>\n</c> line ends).</summary>
    public static string Emit(YamlNode node)
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(node)).Save(new Emitter(writer, Settings), assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("\n...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static void Add(YamlMappingNode map, string key, string? value) => Add(map, key, value is null ? null : Str(value));

    private static void Add(YamlMappingNode map, string key, YamlNode? value)
    {
        if (value is not null)
        {
            map.Add(key, value);
        }
    }

    private static YamlScalarNode? Timestamp(DateTimeOffset? value) => value is { } t ? Plain(YamlScalars.RenderTimestamp(t)) : null;
}
