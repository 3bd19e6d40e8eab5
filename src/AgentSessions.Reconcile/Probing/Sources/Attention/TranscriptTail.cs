using System.Globalization;
using System.Text.Json;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// What the last records of a Claude Code transcript say (a bounded read of its last few KB): the
/// last record's type and time, whether the turn ended, and a usage-limit or other API error.
/// A usage-limit rejection is an assistant record with <c>"isApiErrorMessage": true,
/// "apiErrorStatus": 429, "error": "rate_limit"</c>, its text carrying the reset time ("resets
/// 8:50pm (UTC)") (public code: agent-deck <c>internal/session/usagelimit.go</c>, its issue #1802).
/// Subagent records (<c>isSidechain</c>) count as activity, not as the session's own turn.
/// The format is undocumented: a record this does not understand is skipped, never guessed at.
/// </summary>
/// <param name="LastType">The last record's <c>type</c> (<c>user</c>, <c>assistant</c>, …), or <see langword="null"/> when none parsed.</param>
/// <param name="LastAt">The last record's <c>timestamp</c>.</param>
/// <param name="TurnEnded">Whether the last conversation record is an assistant message that ended its turn (<c>stop_reason</c> <c>end_turn</c>).</param>
/// <param name="Limit"><c>usage_limit</c> or <c>api_error</c> when the last conversation record is an API error; else <see langword="null"/>.</param>
/// <param name="LimitText">The error record's text (at most 200 characters), for the reset time.</param>
internal sealed record TranscriptTail(string? LastType, DateTimeOffset? LastAt, bool TurnEnded, string? Limit, string? LimitText)
{
    /// <summary>How much of the end of the file is read.</summary>
    public const int TailBytes = 16 * 1024;

    /// <summary>Reads the last <see cref="TailBytes"/> of <paramref name="path"/> (read-only, sharing with the writer).</summary>
    /// <exception cref="IOException">The file could not be read.</exception>
    public static TranscriptTail Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        var start = Math.Max(0, stream.Length - TailBytes);
        stream.Position = start;
        var buffer = new byte[(int)(stream.Length - start)];
        var filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Parse(buffer.AsSpan(0, filled), startsMidLine: start > 0);
    }

    /// <summary>Parses the tail: complete lines only (a first line cut by the read's start and a half-written last line are skipped).</summary>
    public static TranscriptTail Parse(ReadOnlySpan<byte> tail, bool startsMidLine)
    {
        if (startsMidLine && tail.IndexOf((byte)'\n') is var first and >= 0)
        {
            tail = tail[(first + 1)..];
        }

        string? lastType = null;
        DateTimeOffset? lastAt = null;

        // Walk the lines backwards: the last record that parses decides.
        while (tail.Length > 0)
        {
            var end = tail.Length;
            if (tail[end - 1] == (byte)'\n')
            {
                end--;
            }

            var start = tail[..end].LastIndexOf((byte)'\n') + 1;
            var line = tail[start..end];
            tail = tail[..start];
            if (line.IsEmpty || !TryRecord(line, out var record))
            {
                continue;
            }

            lastType ??= record.Type;
            lastAt ??= record.At;
            if (record.Type is "user" or "assistant" && !record.Sidechain)
            {
                return new TranscriptTail(lastType, lastAt, record.Type == "assistant" && record.StopReason == "end_turn" && record.Limit is null, record.Limit, record.Text);
            }
        }

        return new TranscriptTail(lastType, lastAt, false, null, null);
    }

    private static bool TryRecord(ReadOnlySpan<byte> line, out (string? Type, DateTimeOffset? At, string? StopReason, string? Limit, string? Text, bool Sidechain) record)
    {
        record = default;
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            var type = Text(root, "type");
            DateTimeOffset? at = Text(root, "timestamp") is { } ts && DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;
            string? stop = null;
            string? text = null;
            if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
            {
                stop = Text(message, "stop_reason");
                text = FirstText(message);
            }

            string? limit = null;
            if (type == "assistant" && root.TryGetProperty("isApiErrorMessage", out var isError) && isError.ValueKind == JsonValueKind.True)
            {
                var status = root.TryGetProperty("apiErrorStatus", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var code) ? code : 0;
                limit = status == 429 && Text(root, "error") == "rate_limit" ? "usage_limit" : "api_error";
            }

            // A subagent's records (isSidechain) are not the session's own turn (agent-deck usagelimit.go).
            var sidechain = root.TryGetProperty("isSidechain", out var side) && side.ValueKind == JsonValueKind.True;
            record = (type, at, stop, limit, text is { Length: > 200 } ? text[..200] : text, sidechain);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? FirstText(JsonElement message) => !message.TryGetProperty("content", out var content) ? null : content.ValueKind switch
    {
        JsonValueKind.String => content.GetString(),
        JsonValueKind.Array => content.EnumerateArray()
            .Where(part => part.ValueKind == JsonValueKind.Object && Text(part, "type") == "text")
            .Select(part => Text(part, "text")).FirstOrDefault(text => text is not null),
        _ => null,
    };

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
