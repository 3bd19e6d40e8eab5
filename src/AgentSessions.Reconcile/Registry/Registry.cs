namespace AgentSessions.Reconcile;

/// <summary>
/// The contents of one workspace's <c>.hermes/agent-sessions.yaml</c>: the agent sessions the
/// workspace knows about. Loaded and saved by an <see cref="IRegistryStore"/>, which keeps every
/// key this type does not model, the order of keys and of sessions, and as much of the file's
/// formatting and comments as it can.
/// </summary>
public sealed class Registry
{
    /// <summary>Gets or sets the schema version (<c>version</c>).</summary>
    /// <value>The default is 1, which is also what an absent key means.</value>
    public int Version { get; set; } = 1;

    /// <summary>
    /// Gets or sets the workspace name (<c>workspace</c>), the prefix of this workspace's tmux
    /// session names, or <see langword="null"/> when the file does not say (the root folder's
    /// name is then used).
    /// </summary>
    public string? Workspace { get; set; }

    /// <summary>Gets the sessions, in file order. <see cref="SessionRow.Name"/> is unique.</summary>
    public IList<SessionRow> Sessions { get; } = new List<SessionRow>();

    /// <summary>Finds the session with the given exact name.</summary>
    /// <param name="name">The tmux session name.</param>
    /// <returns>The row, or <see langword="null"/> when there is none.</returns>
    public SessionRow? Find(string name)
    {
        foreach (var row in Sessions)
        {
            if (string.Equals(row.Name, name, StringComparison.Ordinal))
            {
                return row;
            }
        }

        return null;
    }
}
