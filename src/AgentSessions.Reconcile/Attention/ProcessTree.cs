using System.Globalization;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// Every process's parent and name, from one scan of <c>/proc/*/stat</c> per pass (no process
/// spawned), to find the agent under a pane: <c>pane_pid</c> and its descendants.
/// </summary>
internal sealed class ProcessTree
{
    private readonly Dictionary<long, (string Comm, long Parent)> processes;
    private readonly Dictionary<long, List<long>> children = [];

    private ProcessTree(Dictionary<long, (string Comm, long Parent)> processes)
    {
        this.processes = processes;
        foreach (var (pid, (_, parent)) in processes)
        {
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }
    }

    /// <summary>Gets whether the scan could read <c>/proc</c> at all (not: unknown, never "no processes").</summary>
    public bool IsKnown => processes.Count > 0;

    /// <summary>Scans <paramref name="procDirectory"/> once.</summary>
    public static ProcessTree Scan(string procDirectory)
    {
        var found = new Dictionary<long, (string, long)>();
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories(procDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ProcessTree(found);
        }

        foreach (var dir in entries)
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]) || !long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            if (ProcStat.Read(procDirectory, name) is { } stat)
            {
                found[pid] = stat;
            }
        }

        return new ProcessTree(found);
    }

    /// <summary>For tests: a tree from (pid, name, parent) triples.</summary>
    public static ProcessTree From(IEnumerable<(long Pid, string Comm, long Parent)> processes) =>
        new(processes.ToDictionary(p => p.Pid, p => (p.Comm, p.Parent)));

    /// <summary>Whether <paramref name="pid"/> is alive (was, at the scan).</summary>
    public bool IsAlive(long pid) => processes.ContainsKey(pid);

    /// <summary>The process's name, or <see langword="null"/>.</summary>
    public string? Name(long pid) => processes.TryGetValue(pid, out var p) ? p.Comm : null;

    /// <summary><paramref name="root"/> and all its descendants that are alive, root first, breadth first (bounded: 4096).</summary>
    public IReadOnlyList<long> Descendants(long root)
    {
        if (!processes.ContainsKey(root))
        {
            return [];
        }

        var result = new List<long> { root };
        for (var i = 0; i < result.Count && result.Count < 4096; i++)
        {
            if (children.TryGetValue(result[i], out var kids))
            {
                result.AddRange(kids);
            }
        }

        return result;
    }
}
