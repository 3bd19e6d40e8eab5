using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentSessions.Reconcile.Mqtt;

namespace AgentSessions.Reconcile.Cli.Output;

/// <summary>Renders <c>agent-sessions status --fleet</c>: one aligned table of every host's sessions.</summary>
internal static class FleetTableRenderer
{
    private static readonly string[] Headers = ["HOST", "ONLINE", "WORKSPACE", "SESSION", "STATUS", "LIVE", "AGE"];

    /// <summary>Renders the table (with a trailing newline).</summary>
    public static string Render(FleetSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Hosts.Count == 0)
        {
            return "no hosts\n";
        }

        var cells = new List<string[]>();
        foreach (var host in snapshot.Hosts)
        {
            var online = host.Online switch { true => "yes", false => "no", null => "?" };
            if (host.Workspaces.Count == 0)
            {
                cells.Add([StatusTableRenderer.Clean(host.Host), online, "-", "-", "-", "-", "-"]);
            }

            foreach (var workspace in host.Workspaces)
            {
                var age = Age(now - workspace.PublishedAt) + (workspace.Stale ? " (stale)" : string.Empty);
                var any = false;
                foreach (var session in workspace.Status.GetProperty("sessions").EnumerateArray())
                {
                    any = true;
                    cells.Add(
                    [
                        StatusTableRenderer.Clean(host.Host),
                        online,
                        StatusTableRenderer.Clean(workspace.Workspace),
                        StatusTableRenderer.Clean(Text(session, "name")),
                        Text(session, "registered") == "false" ? "(unregistered)" : StatusTableRenderer.Clean(Text(session, "status")),
                        StatusTableRenderer.Clean(Text(session, "live")),
                        age,
                    ]);
                }

                if (!any)
                {
                    cells.Add([StatusTableRenderer.Clean(host.Host), online, StatusTableRenderer.Clean(workspace.Workspace), "(no sessions)", "-", "-", age]);
                }
            }
        }

        var widths = new int[Headers.Length];
        foreach (var row in cells.Prepend(Headers))
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var sb = new StringBuilder();
        foreach (var row in cells.Prepend(Headers))
        {
            for (var i = 0; i < row.Length; i++)
            {
                sb.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + 2));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>An age as the largest whole unit: <c>42s</c>, <c>5m</c>, <c>3h</c>, <c>2d</c>.</summary>
    internal static string Age(TimeSpan age)
    {
        var seconds = Math.Max(0, (long)age.TotalSeconds);
        return seconds < 120 ? seconds.ToString(CultureInfo.InvariantCulture) + "s"
            : seconds < 7200 ? (seconds / 60).ToString(CultureInfo.InvariantCulture) + "m"
            : seconds < 172_800 ? (seconds / 3600).ToString(CultureInfo.InvariantCulture) + "h"
            : (seconds / 86_400).ToString(CultureInfo.InvariantCulture) + "d";
    }

    private static string Text(JsonElement row, string name) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString() ?? "-",
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => "-",
            }
            : "-";
}
