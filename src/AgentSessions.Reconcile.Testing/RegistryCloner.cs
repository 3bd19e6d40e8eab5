using System.Globalization;
using System.Text;

namespace AgentSessions.Reconcile.Testing;

/// <summary>
/// Deep copies and compares <see cref="Registry"/> values by the content this library models
/// (every public member of <see cref="Registry"/>, <see cref="SessionRow"/>, <see cref="PaneInfo"/>
/// and <see cref="JobEntry"/>). Keys a real store keeps but does not model are not part of a copy.
/// </summary>
public static class RegistryCloner
{
    /// <summary>Creates a deep copy of a registry: changing the copy never changes the original.</summary>
    /// <param name="registry">The registry to copy.</param>
    /// <returns>The copy.</returns>
    public static Registry Clone(Registry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var copy = new Registry { Version = registry.Version, Workspace = registry.Workspace };
        foreach (var row in registry.Sessions)
        {
            copy.Sessions.Add(Clone(row));
        }

        return copy;
    }

    /// <summary>Creates a deep copy of one session row.</summary>
    /// <param name="row">The row to copy.</param>
    /// <returns>The copy.</returns>
    public static SessionRow Clone(SessionRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var copy = new SessionRow(row.Name)
        {
            Agent = row.Agent,
            Project = row.Project,
            Cwd = row.Cwd,
            Status = row.Status,
            LastVisibleStatus = row.LastVisibleStatus,
            LastVisibleNote = row.LastVisibleNote,
            CreatedAt = row.CreatedAt,
            UpdatedAt = row.UpdatedAt,
            TerminatedAt = row.TerminatedAt,
            TerminationMode = row.TerminationMode,
            Resumable = row.Resumable,
            Pane = row.Pane is null ? null : new PaneInfo { Pid = row.Pane.Pid, Cmd = row.Pane.Cmd, Cwd = row.Pane.Cwd, Socket = row.Pane.Socket, Id = row.Pane.Id },
            ClaudeSessionIdOwn = row.ClaudeSessionIdOwn,
            AgySessionIdOwn = row.AgySessionIdOwn,
        };
        foreach (var (agent, fields) in row.AgentIdentities)
        {
            copy.AgentIdentities[agent] = new Dictionary<string, string?>(fields, StringComparer.Ordinal);
        }

        foreach (var job in row.Jobs)
        {
            copy.Jobs.Add(new JobEntry(job.JobId) { AuthToken = job.AuthToken, Status = job.Status, LastSeq = job.LastSeq });
        }

        return copy;
    }

    /// <summary>Gets a value indicating whether two registries have the same modeled content.</summary>
    /// <param name="left">One registry.</param>
    /// <param name="right">The other registry.</param>
    /// <returns><see langword="true"/> when every modeled value, and the order of rows, is the same.</returns>
    public static bool ContentEquals(Registry left, Registry right) =>
        string.Equals(Canonical(left, revealSecrets: true), Canonical(right, revealSecrets: true), StringComparison.Ordinal);

    /// <summary>
    /// Writes a registry's modeled content as deterministic text, one field a line, for comparisons
    /// and readable test failures. Not YAML, and not meant to be parsed. Job auth tokens are
    /// written as <c>***</c> when set.
    /// </summary>
    /// <param name="registry">The registry.</param>
    /// <returns>The text.</returns>
    public static string ToCanonicalText(Registry registry) => Canonical(registry, revealSecrets: false);

    private static string Canonical(Registry registry, bool revealSecrets)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var sb = new StringBuilder();
        sb.Append("version: ").Append(registry.Version.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("workspace: ").Append(registry.Workspace ?? "~").Append('\n');
        foreach (var row in registry.Sessions)
        {
            sb.Append("- name: ").Append(row.Name).Append('\n');
            Field(sb, "agent", row.Agent);
            Field(sb, "project", row.Project);
            Field(sb, "cwd", row.Cwd);
            Field(sb, "status", row.Status?.ToString());
            Field(sb, "last_visible_status", row.LastVisibleStatus?.ToString());
            Field(sb, "last_visible_note", row.LastVisibleNote);
            Field(sb, "created_at", Time(row.CreatedAt));
            Field(sb, "updated_at", Time(row.UpdatedAt));
            Field(sb, "terminated_at", Time(row.TerminatedAt));
            Field(sb, "termination_mode", row.TerminationMode);
            Field(sb, "resumable", row.Resumable?.ToString());
            Field(sb, "pane", row.Pane is null ? null : $"{row.Pane.Pid?.ToString(CultureInfo.InvariantCulture) ?? "~"}|{row.Pane.Cmd ?? "~"}|{row.Pane.Cwd ?? "~"}|{row.Pane.Socket ?? "~"}|{row.Pane.Id ?? "~"}");
            Field(sb, "claude_session_id_own", row.ClaudeSessionIdOwn);
            Field(sb, "agy_session_id_own", row.AgySessionIdOwn);
            foreach (var (agent, fields) in row.AgentIdentities.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                foreach (var (key, value) in fields.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    Field(sb, $"agent_identities.{agent}.{key}", value);
                }
            }

            foreach (var job in row.Jobs)
            {
                Field(sb, "job", $"{job.JobId}|{(job.AuthToken is null ? "~" : revealSecrets ? job.AuthToken : "***")}|{job.Status?.ToString() ?? "~"}|{job.LastSeq?.ToString(CultureInfo.InvariantCulture) ?? "~"}");
            }
        }

        return sb.ToString();
    }

    private static void Field(StringBuilder sb, string name, string? value) =>
        sb.Append("  ").Append(name).Append(": ").Append(value ?? "~").Append('\n');

    private static string? Time(DateTimeOffset? value) =>
        value?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
