using System.Globalization;
using System.Text;
using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>A row's typed values as one string: an oracle for "the same row" independent of the store's own comparison.</summary>
internal static class RowFingerprint
{
    /// <summary>Every typed value of a row in one string (length-prefixed, so different rows never share one).</summary>
    public static string Of(SessionRow row)
    {
        var sb = new StringBuilder();
        void F(object? value)
        {
            var text = value switch
            {
                null => null,
                DateTimeOffset t => YamlScalars.RenderTimestamp(t),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            };
            sb.Append(text?.Length ?? -1).Append(':').Append(text);
        }

        foreach (var value in new object?[] { row.Name, row.Agent, row.Project, row.Cwd, row.Status, row.LastVisibleStatus, row.LastVisibleNote, row.CreatedAt, row.UpdatedAt, row.TerminatedAt, row.TerminationMode, row.Resumable, row.Pane is null, row.Pane?.Pid, row.Pane?.Cmd, row.Pane?.Cwd, row.Pane?.Socket, row.Pane?.Id, row.ClaudeSessionIdOwn, row.AgySessionIdOwn })
        {
            F(value);
        }

        foreach (var (agent, fields) in row.AgentIdentities)
        {
            F(agent);
            F(fields?.Count);
            foreach (var (key, value) in fields ?? new Dictionary<string, string?>())
            {
                F(key);
                F(value);
            }
        }

        foreach (var job in row.Jobs)
        {
            F(job?.JobId);
            F(job?.AuthToken);
            F(job?.Status);
            F(job?.LastSeq);
        }

        return sb.ToString();
    }

}
