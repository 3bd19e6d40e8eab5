using System.Globalization;
using System.Text.Json;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// The latest state of one Claude Code session as <c>agent-sessions hook</c> recorded it: one file
/// per session id, <c>&lt;root&gt;/.cache/tmux-agent-orchestrate-monitor/hooks/&lt;session_id&gt;.json</c>,
/// replaced whole (temp file + rename) by each hook event that changes it. Compiled into the CLI
/// too, so the writer (the hook) and the reader (the monitor) share one format. See docs/attention.md.
/// </summary>
internal sealed record HookRecord
{
    /// <summary>The format version written.</summary>
    public const int FormatVersion = 1;

    /// <summary>The largest record file read back (a record is a few hundred bytes).</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Gets the Claude Code session id (<c>session_id</c>).</summary>
    public required string SessionId { get; init; }

    /// <summary>Gets the hook event that set the state (<c>hook_event_name</c>, for example <c>Notification</c>).</summary>
    public required string Event { get; init; }

    /// <summary>Gets the state: <c>working</c>, <c>waiting</c>, <c>idle</c>, <c>limited</c> or <c>ended</c>.</summary>
    public required string State { get; init; }

    /// <summary>Gets the reason: <c>permission</c> or <c>question</c> for waiting, <c>usage_limit</c> or <c>api_error</c> for limited.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the tool the agent waits to run, or runs, when the event names it.</summary>
    public string? Tool { get; init; }

    /// <summary>Gets the notification's message (at most 200 characters).</summary>
    public string? Message { get; init; }

    /// <summary>Gets when the hook ran.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Gets when this state (and reason) began: kept from the previous record while they stay the same.</summary>
    public required DateTimeOffset Since { get; init; }

    /// <summary>Gets the agent's working directory (<c>cwd</c>).</summary>
    public string? Cwd { get; init; }

    /// <summary>Gets the transcript file (<c>transcript_path</c>).</summary>
    public string? TranscriptPath { get; init; }

    /// <summary>Gets the pid of the agent process that ran the hook (the nearest ancestor that is not a shell), when known.</summary>
    public long? AgentPid { get; init; }

    /// <summary>Gets the session id this one replaced (<c>SessionStart</c> with <c>source: clear</c>), when the hook could tell.</summary>
    public string? PreviousSessionId { get; init; }

    /// <summary>Whether <paramref name="id"/> can name a record file: 1–128 of <c>[A-Za-z0-9_-]</c> (a UUID is).</summary>
    public static bool IsSafeSessionId(string? id) =>
        id is { Length: > 0 and <= 128 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The folder of a workspace's hook records.</summary>
    public static string DirectoryFor(string workspaceRoot) => Path.Combine(workspaceRoot, ".cache", "tmux-agent-orchestrate-monitor", "hooks");

    /// <summary>Parses a record file's text.</summary>
    /// <exception cref="FormatException">The text is not a record of this format.</exception>
    public static HookRecord Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("version", out var v) || v.ValueKind != JsonValueKind.Number || v.GetInt32() != FormatVersion)
            {
                throw new FormatException($"not a version {FormatVersion} hook record");
            }

            var at = Time(root, "at") ?? throw new FormatException("no 'at'");
            return new HookRecord
            {
                SessionId = Text(root, "session_id") ?? throw new FormatException("no 'session_id'"),
                Event = Text(root, "event") ?? throw new FormatException("no 'event'"),
                State = Text(root, "state") ?? throw new FormatException("no 'state'"),
                Reason = Text(root, "reason"),
                Tool = Text(root, "tool"),
                Message = Text(root, "message"),
                At = at,
                Since = Time(root, "since") ?? at,
                Cwd = Text(root, "cwd"),
                TranscriptPath = Text(root, "transcript_path"),
                AgentPid = root.TryGetProperty("agent_pid", out var pid) && pid.ValueKind == JsonValueKind.Number && pid.TryGetInt64(out var p) ? p : null,
                PreviousSessionId = Text(root, "previous_session_id"),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>Reads a record file (bounded); <see langword="null"/> when it is absent, too large or not a record.</summary>
    public static HookRecord? TryRead(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            if (stream.Length > MaxFileBytes)
            {
                return null;
            }

            var buffer = new byte[(int)stream.Length];
            stream.ReadExactly(buffer);
            return Parse(buffer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Writes the record as <c>&lt;directory&gt;/&lt;session_id&gt;.json</c>: a temp file in the folder, renamed over the old one.</summary>
    /// <exception cref="IOException">The file could not be written.</exception>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, SessionId + ".json");
        var temp = Path.Combine(directory, $".{SessionId}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                using var writer = new Utf8JsonWriter(stream);
                WriteTo(writer);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // A stray temp file is harmless: readers take only <id>.json.
            }

            throw new IOException($"{path} could not be written ({ex.Message})", ex);
        }
    }

    private void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", FormatVersion);
        writer.WriteString("session_id", SessionId);
        writer.WriteString("event", Event);
        writer.WriteString("state", State);
        WriteIf(writer, "reason", Reason);
        WriteIf(writer, "tool", Tool);
        WriteIf(writer, "message", Message);
        writer.WriteString("at", Stamp(At));
        writer.WriteString("since", Stamp(Since));
        WriteIf(writer, "cwd", Cwd);
        WriteIf(writer, "transcript_path", TranscriptPath);
        if (AgentPid is { } pid)
        {
            writer.WriteNumber("agent_pid", pid);
        }

        WriteIf(writer, "previous_session_id", PreviousSessionId);
        writer.WriteEndObject();
    }

    private static void WriteIf(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static string Stamp(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;

    private static DateTimeOffset? Time(JsonElement root, string name) =>
        Text(root, name) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;
}
