namespace AgentSessions.Reconcile.Cli.Output;

/// <summary>Writes <c>agent-sessions status --json</c>: one object, fixed key order, no reflection.</summary>
internal static class StatusJsonWriter
{
    /// <summary>The format version (the drift report's too).</summary>
    public const int FormatVersion = 1;

    /// <summary>Writes <paramref name="report"/> as one line of JSON.</summary>
    public static byte[] ToUtf8(StatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonText.ToUtf8(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("version", FormatVersion);
            JsonText.WriteString(w, "workspace", report.Workspace);
            JsonText.WriteString(w, "workspace_root", report.WorkspaceRoot);
            JsonText.WriteString(w, "registry", report.RegistryPath);
            w.WriteBoolean("registry_exists", report.RegistryExists);
            w.WriteStartObject("tmux");
            w.WriteBoolean("known", report.TmuxKnown);
            JsonText.WriteString(w, "reason", report.TmuxKnown ? null : report.TmuxReason ?? "unknown");
            w.WriteEndObject();
            w.WriteStartArray("sessions");
            foreach (var row in report.Rows)
            {
                w.WriteStartObject();
                JsonText.WriteString(w, "name", row.Name);
                w.WriteBoolean("registered", row.Registered);
                JsonText.WriteString(w, "status", row.Status);
                JsonText.WriteString(w, "last_visible_status", row.LastVisibleStatus);
                JsonText.WriteString(w, "live", StatusBuilder.Word(row.Live));
                if (row.PanePid is null && row.PaneCommand is null && row.PaneCwd is null)
                {
                    w.WriteNull("pane");
                }
                else
                {
                    w.WriteStartObject("pane");
                    if (row.PanePid is { } pid)
                    {
                        w.WriteNumber("pid", pid);
                    }
                    else
                    {
                        w.WriteNull("pid");
                    }

                    JsonText.WriteString(w, "cmd", row.PaneCommand);
                    JsonText.WriteString(w, "cwd", row.PaneCwd);
                    w.WriteBoolean("live", row.PaneIsLive);
                    w.WriteEndObject();
                }

                JsonText.WriteString(w, "claude_session_id_own", row.ClaudeSessionIdOwn);
                JsonText.WriteString(w, "agy_session_id_own", row.AgySessionIdOwn);
                if (row.LastDrift is { } drift)
                {
                    w.WriteStartObject("last_drift");
                    JsonText.WriteString(w, "class", drift.Class);
                    JsonText.WriteString(w, "message", drift.Message);
                    JsonText.WriteString(w, "at", drift.At is { } at ? JsonText.Timestamp(at) : null);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("last_drift");
                }

                if (row.Attention is { } a)
                {
                    w.WriteStartObject("attention");
                    JsonText.WriteString(w, "state", a.State);
                    JsonText.WriteString(w, "reason", a.Reason);
                    JsonText.WriteString(w, "since", a.Since is { } since ? JsonText.Timestamp(since) : null);
                    JsonText.WriteString(w, "source", a.Source == "none" ? null : a.Source);
                    JsonText.WriteString(w, "evidence", a.Evidence);
                    JsonText.WriteString(w, "session_id", a.SessionId);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("attention");
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
