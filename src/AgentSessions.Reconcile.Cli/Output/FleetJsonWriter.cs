using System.Text;
using AgentSessions.Reconcile.Mqtt;

namespace AgentSessions.Reconcile.Cli.Output;

/// <summary>Writes <c>agent-sessions status --fleet --json</c> (docs/fleet.schema.json): one object, fixed key order.</summary>
internal static class FleetJsonWriter
{
    /// <summary>The format version.</summary>
    public const int FormatVersion = 1;

    /// <summary>Writes <paramref name="snapshot"/> as one line of JSON.</summary>
    public static string ToText(FleetSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Encoding.UTF8.GetString(JsonText.ToUtf8(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("version", FormatVersion);
            w.WriteStartArray("hosts");
            foreach (var host in snapshot.Hosts)
            {
                w.WriteStartObject();
                JsonText.WriteString(w, "host", host.Host);
                if (host.Online is { } online)
                {
                    w.WriteBoolean("online", online);
                }
                else
                {
                    w.WriteNull("online");
                }

                w.WriteStartArray("workspaces");
                foreach (var workspace in host.Workspaces)
                {
                    w.WriteStartObject();
                    JsonText.WriteString(w, "workspace", workspace.Workspace);
                    JsonText.WriteString(w, "published_at", JsonText.Timestamp(workspace.PublishedAt));
                    w.WriteNumber("interval", (long)workspace.Interval.TotalSeconds);
                    w.WriteBoolean("stale", workspace.Stale);
                    w.WritePropertyName("sessions");
                    workspace.Status.GetProperty("sessions").WriteTo(w);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteNumber("rejected", snapshot.Rejected);
            w.WriteEndObject();
        }));
    }
}
