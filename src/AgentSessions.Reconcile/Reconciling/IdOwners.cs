namespace AgentSessions.Reconcile.Reconciling;

/// <summary>Every id the registry's rows mention (own ids and identities), and which row mentions it.</summary>
internal sealed class IdOwners
{
    private readonly Dictionary<string, string> _owner = new(StringComparer.Ordinal);
    private readonly HashSet<string> _shared = new(StringComparer.Ordinal);

    public IdOwners(Registry registry)
    {
        foreach (var row in registry.Sessions)
        {
            foreach (var ids in AgentIds.All)
            {
                Add(ids.Own(row), row.Name);
            }

            // Only a row with identities makes an enumerator: an empty [] here is Array.Empty, not a new List.
            foreach (var value in row.IdentitiesIfAny?.Values.SelectMany(fields => fields.Values) ?? [])
            {
                Add(value, row.Name);
            }
        }
    }

    /// <summary>Whether a row other than <paramref name="self"/> mentions the id.</summary>
    public bool UsedByOther(string id, string self) =>
        _shared.Contains(id) || (_owner.TryGetValue(id, out var owner) && !string.Equals(owner, self, StringComparison.Ordinal));

    private void Add(string? id, string row)
    {
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        if (!_owner.TryAdd(id, row) && !string.Equals(_owner[id], row, StringComparison.Ordinal))
        {
            _shared.Add(id);
        }
    }
}
