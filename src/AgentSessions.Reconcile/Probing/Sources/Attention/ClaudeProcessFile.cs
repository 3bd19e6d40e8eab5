using System.Globalization;
using System.Text.Json;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// Claude Code's per-process file <c>${CLAUDE_CONFIG_DIR:-~/.claude}/sessions/&lt;pid&gt;.json</c>: at least
/// <c>sessionId</c> and <c>updatedAt</c> (unix ms) (public code: agent-deck
/// <c>internal/session/claude_title_reconcile.go</c>), and on newer versions the turn's state,
/// <c>status</c> busy/idle (phnx-labs agents-cli release notes, v1.23.25). Files of exited processes
/// stay behind: trust one only for a pid alive under the row's pane. <c>Status</c>: <c>working</c>,
/// <c>idle</c>, or <see langword="null"/> when the file does not say.
/// </summary>
internal sealed record ClaudeProcessFile(long Pid, string SessionId, DateTimeOffset? UpdatedAt, string? Status)
{
    /// <summary>The largest file read.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>The folder of the files.</summary>
    public static string DirectoryFor(string claudeConfigDirectory) => Path.Combine(claudeConfigDirectory, "sessions");

    /// <summary>Parses a file's text; <see langword="null"/> when it is not JSON or has no <c>sessionId</c>.</summary>
    public static ClaudeProcessFile? Parse(long pid, ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("sessionId", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } sessionId)
            {
                return null;
            }

            DateTimeOffset? updated = root.TryGetProperty("updatedAt", out var u) ? u.ValueKind switch
            {
                JsonValueKind.Number when u.TryGetInt64(out var ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms),
                JsonValueKind.String when DateTimeOffset.TryParse(u.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) => t,
                _ => null,
            }
            : null;
            var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() switch
            {
                "busy" or "working" or "running" => AttentionState.Working,
                "idle" => AttentionState.Idle,
                _ => null,
            }
            : null;
            return new ClaudeProcessFile(pid, sessionId, updated, status);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads <c>&lt;directory&gt;/&lt;pid&gt;.json</c> (bounded); <see langword="null"/> when absent, too large or not one.</summary>
    public static ClaudeProcessFile? TryRead(string directory, long pid)
    {
        try
        {
            using var stream = new FileStream(Path.Combine(directory, pid.ToString(CultureInfo.InvariantCulture) + ".json"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            if (stream.Length > MaxBytes)
            {
                return null;
            }

            var buffer = new byte[(int)stream.Length];
            stream.ReadExactly(buffer);
            return Parse(pid, buffer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
