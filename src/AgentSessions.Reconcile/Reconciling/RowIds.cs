namespace AgentSessions.Reconcile;

/// <summary>The agent ids a registry row records, and the agents' names.</summary>
internal static class RowIds
{
    public const string Claude = "claude";
    public const string Agy = "agy";
    public const string ClaudeIdField = "session_id";
    public const string AgyIdField = "conversation_id";

    public static bool IsClaude(string? agent) => string.Equals(agent, Claude, StringComparison.OrdinalIgnoreCase);

    public static bool IsAgy(string? agent) => string.Equals(agent, Agy, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of <c>agent_identities.&lt;agent&gt;.&lt;field&gt;</c>, or <see langword="null"/>.</summary>
    public static string? Identity(SessionRow row, string agent, string field) =>
        row.AgentIdentities.Count > 0
        && row.AgentIdentities.TryGetValue(agent, out var fields)
        && fields.TryGetValue(field, out var value)
        && !string.IsNullOrEmpty(value)
            ? value
            : null;
}
