namespace AgentSessions.Reconcile;

/// <summary>
/// An agent whose conversations a source finds (<see cref="LiveKeys.Claude"/>, <see cref="LiveKeys.Agy"/>),
/// and where a registry row records its ids: its own-id field and <c>agent_identities.&lt;agent&gt;.&lt;field&gt;</c>.
/// Rules C and D work over <see cref="All"/>.
/// </summary>
internal sealed class AgentIds
{
    private readonly Func<SessionRow, string?> _own;
    private readonly Action<SessionRow, string> _setOwn;

    private AgentIds(string agent, string idField, string ownField, Func<SessionRow, string?> own, Action<SessionRow, string> setOwn, ObservationKey<AgentFiles> key, string artifact)
    {
        Agent = agent;
        IdField = idField;
        OwnField = ownField;
        _own = own;
        _setOwn = setOwn;
        Key = key;
        Artifact = artifact;
    }

    public static AgentIds Claude { get; } = new(
        "claude", "session_id", "claude_session_id_own", r => r.ClaudeSessionIdOwn, (r, id) => r.ClaudeSessionIdOwn = id, LiveKeys.Claude, "claude session transcript");

    public static AgentIds Agy { get; } = new(
        "agy", "conversation_id", "agy_session_id_own", r => r.AgySessionIdOwn, (r, id) => r.AgySessionIdOwn = id, LiveKeys.Agy, "agy conversation file");

    /// <summary>Gets the agents, in the order their ids are checked.</summary>
    public static IReadOnlyList<AgentIds> All { get; } = [Claude, Agy];

    /// <summary>Gets the agent's name, as in session names and the <c>agent</c> field.</summary>
    public string Agent { get; }

    /// <summary>Gets the field under <c>agent_identities.&lt;agent&gt;</c> that holds its id.</summary>
    public string IdField { get; }

    /// <summary>Gets the registry field of the row's own id (<c>claude_session_id_own</c>).</summary>
    public string OwnField { get; }

    /// <summary>Gets the identity's field as drifts name it (<c>agent_identities.claude.session_id</c>).</summary>
    public string IdentityField => $"agent_identities.{Agent}.{IdField}";

    /// <summary>Gets the observation of this agent's files.</summary>
    public ObservationKey<AgentFiles> Key { get; }

    /// <summary>Gets what a drift calls one of its files ("claude session transcript").</summary>
    public string Artifact { get; }

    /// <summary>The agent of this name (any case), or <see langword="null"/>.</summary>
    public static AgentIds? Of(string? agent)
    {
        foreach (var ids in All)
        {
            if (string.Equals(ids.Agent, agent, StringComparison.OrdinalIgnoreCase))
            {
                return ids;
            }
        }

        return null;
    }

    /// <summary>The row's own id for this agent, or <see langword="null"/>.</summary>
    public string? Own(SessionRow row) => _own(row);

    public void SetOwn(SessionRow row, string id) => _setOwn(row, id);

    /// <summary>The value of <c>agent_identities.&lt;agent&gt;.&lt;field&gt;</c>, or <see langword="null"/>.</summary>
    public string? Identity(SessionRow row) =>
        row.AgentIdentities.Count > 0
        && row.AgentIdentities.TryGetValue(Agent, out var fields)
        && fields.TryGetValue(IdField, out var value)
        && !string.IsNullOrEmpty(value)
            ? value
            : null;
}
