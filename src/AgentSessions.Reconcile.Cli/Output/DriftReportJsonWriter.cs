using System.Text.Json;

namespace AgentSessions.Reconcile.Cli.Output;

/// <summary>
/// Writes a <see cref="DriftReport"/> as the JSON object scripts parse (docs/drift-report.schema.json).
/// The key order is fixed and part of the contract. No reflection: safe for trimming and Native AOT.
/// </summary>
internal static class DriftReportJsonWriter
{
    /// <summary>The version of the report's shape; raised only for a breaking change.</summary>
    public const int FormatVersion = 1;

    private const int FlushAt = 32 * 1024;

    /// <summary>Writes <paramref name="report"/> as one line of JSON (no trailing newline).</summary>
    public static byte[] ToUtf8(DriftReport report, ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(context);
        return JsonText.ToUtf8(writer => Write(writer, report, context));
    }

    /// <summary>Writes <paramref name="report"/> as one line of JSON to <paramref name="output"/> in small pieces (no trailing newline).</summary>
    /// <param name="output">Where the text goes.</param>
    /// <param name="report">The report.</param>
    /// <param name="context">Where the report comes from.</param>
    public static void WriteTo(TextWriter output, DriftReport report, ReportContext context)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var stream = new TextWriterStream(output);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, SkipValidation = false });
        Write(writer, report, context);
    }

    private static void Write(Utf8JsonWriter writer, DriftReport report, ReportContext context)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", FormatVersion);
        JsonText.WriteString(writer, "workspace", report.Workspace);
        JsonText.WriteString(writer, "workspace_root", context.WorkspaceRoot);
        JsonText.WriteString(writer, "registry", context.RegistryPath);
        JsonText.WriteString(writer, "at", JsonText.Timestamp(report.At));
        writer.WriteBoolean("dry_run", report.DryRun);
        writer.WriteBoolean("registry_written", report.RegistryWritten);

        writer.WriteStartObject("tmux");
        writer.WriteBoolean("known", report.TmuxKnown);
        JsonText.WriteString(writer, "reason", report.TmuxKnown ? null : report.TmuxUnknownReason ?? "unknown");
        JsonText.WriteString(writer, "socket", report.TmuxSocket);
        writer.WriteEndObject();

        writer.WriteStartArray("notes");
        foreach (var note in report.Notes)
        {
            JsonText.WriteStringValue(writer, note);
        }

        writer.WriteEndArray();

        writer.WriteStartObject("counts");
        writer.WriteNumber("drifts", report.Drifts.Count);
        writer.WriteNumber("coalesced", report.CoalescedCount);
        writer.WriteNumber("applied", CountApplied(report));
        writer.WriteNumber("sessions", report.SessionCount);
        writer.WriteNumber("running", report.RunningCount);
        writer.WriteEndObject();

        writer.WriteStartArray("drifts");
        foreach (var drift in report.Drifts)
        {
            WriteDrift(writer, drift);
            if (writer.BytesPending > FlushAt)
            {
                writer.Flush(); // a report of thousands of drifts goes out in pieces, not held whole
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray("events");
        foreach (var e in report.Events)
        {
            writer.WriteStartObject();
            JsonText.WriteString(writer, "job_id", e.JobId);
            JsonText.WriteString(writer, "session", e.Session);
            JsonText.WriteString(writer, "type", e.Type);
            writer.WriteNumber("seq", e.Sequence);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (context.Dropped is { } dropped)
        {
            writer.WriteStartObject("dropped");
            foreach (var reason in dropped.Keys.Order(StringComparer.Ordinal))
            {
                writer.WriteNumber(reason, dropped[reason]);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static int CountApplied(DriftReport report)
    {
        var n = 0;
        foreach (var d in report.Drifts)
        {
            if (d.Applied)
            {
                n++;
            }
        }

        return n;
    }

    private static void WriteDrift(Utf8JsonWriter writer, Drift drift)
    {
        writer.WriteStartObject();
        JsonText.WriteString(writer, "class", JsonText.ClassCode(drift.Class));
        JsonText.WriteString(writer, "session", drift.Session);
        JsonText.WriteString(writer, "message", drift.Message);
        if (drift.Field is not null)
        {
            JsonText.WriteString(writer, "field", drift.Field);
            JsonText.WriteString(writer, "before", drift.Before);
            JsonText.WriteString(writer, "after", drift.After);
        }

        writer.WriteBoolean("applied", drift.Applied);
        JsonText.WriteKey(writer, drift.Key);
        writer.WriteEndObject();
    }
}

/// <summary>Facts about where a report comes from that the report itself does not carry.</summary>
internal sealed record ReportContext(string WorkspaceRoot, string RegistryPath)
{
    /// <summary>Gets the job events dropped since the run started, by reason (<c>reconcile --subscribe</c>); <see langword="null"/> otherwise.</summary>
    public IReadOnlyDictionary<string, long>? Dropped { get; init; }
}
