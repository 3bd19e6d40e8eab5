using System.Collections.Immutable;

namespace AgentSessions.Reconcile;

/// <summary>
/// An agent whose conversations a source finds (<see cref="LiveKeys.Claude"/>, <see cref="LiveKeys.Agy"/>),
/// and where a registry row records its ids: its own-id field and <c>agent_identities.&lt;agent&gt;.&lt;field&gt;</c>.
/// Rules C and D work over <see cref="All"/>.
/// </summary>
internal sealed record AgentIds(
    string Agent, string IdField, string OwnField, Func<SessionRow, string?> Own, Action<SessionRow, string> SetOwn, ObservationKey<AgentFiles> Key, string Artifact)
{
    public static AgentIds Claude { get; } = new(
        "claude", "session_id", "claude_session_id_own", r => r.ClaudeSessionIdOwn, (r, id) => r.ClaudeSessionIdOwn = id, LiveKeys.Claude, "claude session transcript");

    public static AgentIds Agy { get; } = new(
        "agy", "conversation_id", "agy_session_id_own", r => r.AgySessionIdOwn, (r, id) => r.AgySessionIdOwn = id, LiveKeys.Agy, "agy conversation file");

    /// <summary>Gets the agents, in the order their ids are checked.</summary>
    public static ImmutableArray<AgentIds> All { get; } = [Claude, Agy];

    /// <summary>Gets the identity's field as drifts name it (<c>agent_identities.claude.session_id</c>).</summary>
    public string IdentityField { get; } = $"agent_identities.{Agent}.{IdField}";

    /// <summary>The agent of this name (any case), or <see langword="null"/>.</summary>
    public static AgentIds? Of(string? agent) => All.FirstOrDefault(ids => string.Equals(ids.Agent, agent, StringComparison.OrdinalIgnoreCase));

    /// <summary>The value of <c>agent_identities.&lt;agent&gt;.&lt;field&gt;</c>, or <see langword="null"/>.</summary>
    public string? Identity(SessionRow row) =>
        row.IdentitiesIfAny is { } identities
        && identities.TryGetValue(Agent, out var fields)
        && fields.TryGetValue(IdField, out var value)
        && !string.IsNullOrEmpty(value)
            ? value
            : null;
}
