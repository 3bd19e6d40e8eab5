namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// How a list of rows (or jobs) after a change matches the list as loaded: each item by reference,
/// else by name (or job id); which kept items changed; whether kept items stayed in order with new
/// ones after them all (only then can the file keep its order). <c>Matched</c> holds, for each item
/// now, the index it had when loaded (-1: new); <c>Used</c>, for each item as loaded, whether it is
/// still there; <c>Changed</c>, for each item now, whether it is a kept item whose values (or object) changed.
/// </summary>
internal sealed record RowMatch(int[] Matched, bool[] Used, bool[] Changed, bool InOrder, bool AnyChange)
{
    public static RowMatch Of<T>(IList<T> was, IList<T> now, Func<int, string> wasKey, Func<T, string> keyOf, Func<int, T, bool> valuesChanged)
        where T : class
    {
        var matched = new int[now.Count];
        var used = new bool[was.Count];
        Dictionary<T, int>? index = null;
        for (var i = 0; i < now.Count; i++)
        {
            if (i < was.Count && ReferenceEquals(was[i], now[i]))
            {
                matched[i] = i;
            }
            else
            {
                index ??= Index(was);
                matched[i] = now[i] is { } item && index.TryGetValue(item, out var j) && !used[j] ? j : -1;
            }

            if (matched[i] >= 0)
            {
                used[matched[i]] = true;
            }
        }

        for (var i = 0; i < now.Count; i++)
        {
            for (var j = 0; j < was.Count && matched[i] < 0; j++)
            {
                if (!used[j] && wasKey(j) == keyOf(now[i]))
                {
                    (matched[i], used[j]) = (j, true);
                }
            }
        }

        var changed = new bool[now.Count];
        var (inOrder, last, sawNew, any) = (true, -1, false, was.Count != now.Count);
        for (var i = 0; i < now.Count; i++)
        {
            var m = matched[i];
            inOrder &= m < 0 || (m > last && !sawNew);
            sawNew |= m < 0;
            last = Math.Max(last, m);
            changed[i] = m >= 0 && (!ReferenceEquals(was[m], now[i]) || valuesChanged(m, now[i]));
            any |= changed[i] || m < 0;
        }

        return new RowMatch(matched, used, changed, inOrder, any || !inOrder || Array.IndexOf(used, false) >= 0);
    }

    private static Dictionary<T, int> Index<T>(IList<T> items)
        where T : class
    {
        var index = new Dictionary<T, int>(items.Count, ReferenceEqualityComparer.Instance);
        for (var j = 0; j < items.Count; j++)
        {
            index[items[j]] = j;
        }

        return index;
    }
}
