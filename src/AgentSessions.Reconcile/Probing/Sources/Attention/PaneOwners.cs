using System.Globalization;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// Which pane a process runs under: from the process up its parents (<c>/proc/&lt;pid&gt;/stat</c>, a
/// few small reads) to a pane's first process (<c>pane_pid</c>). Asked only for the pids that hook
/// records and per-process files name, never a scan of all of <c>/proc</c>, never a process spawned.
/// An answer is kept while its process lives (one stat of <c>/proc/&lt;pid&gt;</c> a pass); a process
/// under no pane is walked again only when the set of panes changed.
/// </summary>
internal sealed class PaneOwners(string procDirectory)
{
    private const int MaxDepth = 32;
    private readonly Dictionary<long, (long? Pane, int PaneSet)> cache = [];
    private int paneSet;

    /// <summary>Gets how many <c>stat</c> files were read (for tests: a quiet pass reads none).</summary>
    public int StatReads { get; private set; }

    /// <summary>Maps each live pid of <paramref name="pids"/> that runs under one of <paramref name="panePids"/> to that pane pid.</summary>
    public Dictionary<long, long> Map(IEnumerable<long> pids, IReadOnlySet<long> panePids)
    {
        var set = SetHash(panePids);
        var result = new Dictionary<long, long>();
        var seen = new HashSet<long>();
        foreach (var pid in pids)
        {
            if (!seen.Add(pid))
            {
                continue;
            }

            if (!Directory.Exists(Path.Combine(procDirectory, pid.ToString(CultureInfo.InvariantCulture))))
            {
                cache.Remove(pid);
                continue;
            }

            if (!cache.TryGetValue(pid, out var known) || (known.Pane is { } p ? !panePids.Contains(p) : known.PaneSet != set))
            {
                cache[pid] = known = (Walk(pid, panePids), set);
            }

            if (known.Pane is { } pane)
            {
                result[pid] = pane;
            }
        }

        foreach (var gone in cache.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            cache.Remove(gone);
        }

        paneSet = set;
        return result;
    }

    private long? Walk(long pid, IReadOnlySet<long> panePids)
    {
        var current = pid;
        for (var depth = 0; depth < MaxDepth; depth++)
        {
            if (panePids.Contains(current))
            {
                return current;
            }

            StatReads++;
            if (ProcStat.Read(procDirectory, current.ToString(CultureInfo.InvariantCulture)) is not { ParentPid: > 1 } stat)
            {
                return null;
            }

            current = stat.ParentPid;
        }

        return null;
    }

    private int SetHash(IReadOnlySet<long> panePids)
    {
        var hash = panePids.Aggregate(panePids.Count, (h, pid) => h ^ (pid.GetHashCode() * 397));
        return hash == 0 && paneSet == 0 ? 1 : hash;
    }
}
