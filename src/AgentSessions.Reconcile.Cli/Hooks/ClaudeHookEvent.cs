using System.Text.Json;

namespace AgentSessions.Reconcile.Cli.Hooks;

/// <summary>
/// One Claude Code hook event as it arrives on the hook's stdin, and the attention state it means.
/// Fields and values from Claude Code's hooks reference (https://code.claude.com/docs/en/hooks:
/// "Hook input" and the per-event sections): every event carries <c>session_id</c>,
/// <c>transcript_path</c>, <c>cwd</c>, <c>hook_event_name</c>; <c>Notification</c> adds
/// <c>message</c> and <c>notification_type</c> (<c>permission_prompt</c>, <c>idle_prompt</c>,
/// <c>auth_success</c>, <c>elicitation_dialog</c>); tool events add <c>tool_name</c>;
/// <c>SessionStart</c> adds <c>source</c> (<c>startup</c>, <c>resume</c>, <c>clear</c>, <c>compact</c>).
/// Pure; used only by the <c>hook</c> command (the monitor reads the records the hook writes).
/// </summary>
internal sealed record ClaudeHookEvent
{
    private const int MaxMessageChars = 200;

    public required string SessionId { get; init; }

    public required string EventName { get; init; }

    public string? Cwd { get; init; }

    public string? TranscriptPath { get; init; }

    public string? NotificationType { get; init; }

    public string? Message { get; init; }

    public string? ToolName { get; init; }

    public string? Source { get; init; }

    public string? ErrorType { get; init; }

    /// <summary>Parses the event's JSON.</summary>
    /// <exception cref="FormatException">Not a JSON object, or without <c>session_id</c> or <c>hook_event_name</c>; the message says which.</exception>
    public static ClaudeHookEvent Parse(ReadOnlyMemory<byte> utf8)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"the hook input is not JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the hook input is not a JSON object");
            }

            var message = Text(root, "message");
            return new ClaudeHookEvent
            {
                SessionId = Text(root, "session_id") ?? throw new FormatException("the hook input has no string field 'session_id'"),
                EventName = Text(root, "hook_event_name") ?? throw new FormatException("the hook input has no string field 'hook_event_name'"),
                Cwd = Text(root, "cwd"),
                TranscriptPath = Text(root, "transcript_path"),
                NotificationType = Text(root, "notification_type"),
                Message = message is { Length: > MaxMessageChars } ? message[..MaxMessageChars] : message,
                ToolName = Text(root, "tool_name"),
                Source = Text(root, "source"),
                ErrorType = Text(root, "error_type"),
            };
        }
    }

    /// <summary>
    /// The state this event means, or <see langword="null"/> when it changes nothing (for example
    /// <c>auth_success</c>, <c>SubagentStop</c>, <c>SessionStart</c> after a compaction).
    /// </summary>
    public (string State, string? Reason, string? Tool)? Meaning() => EventName switch
    {
        "Notification" => Notification(),

        // Documented: shown when the user is asked for permission; carries the tool.
        "PermissionRequest" => ("waiting", "permission", ToolName),

        // AskUserQuestion shows a question without any notification (anthropics/claude-code#13830).
        "PreToolUse" when ToolName == "AskUserQuestion" => ("waiting", "question", ToolName),
        "UserPromptSubmit" or "PreToolUse" or "PostToolUse" or "PostToolUseFailure" => ("working", null, ToolName),
        "Stop" => ("idle", null, null),

        // A turn that ended on an API error (v2.1.78+; error_type rate_limit, server_error, …).
        "StopFailure" => ("limited", ErrorType == "rate_limit" ? "usage_limit" : "api_error", null),

        // A fresh or resumed session sits at its prompt; after /clear it is a new id at the prompt.
        "SessionStart" when Source is "startup" or "resume" or "clear" => ("idle", null, null),
        "SessionEnd" => ("ended", null, null),
        _ => null,
    };

    /// <summary>Whether this is <c>SessionStart</c> after <c>/clear</c>: the agent continues under a new session id.</summary>
    public bool IsClear => EventName == "SessionStart" && Source == "clear";

    private (string, string?, string?)? Notification()
    {
        var type = NotificationType ?? FromMessage();
        return type switch
        {
            "permission_prompt" => ("waiting", "permission", ToolName ?? ToolFromMessage()),
            "elicitation_dialog" => ("waiting", "question", null),
            "idle_prompt" => ("idle", null, null),
            _ => null,
        };
    }

    // Versions before notification_type: the documented messages "Claude needs your permission to
    // use Bash" and "Claude is waiting for your input".
    private string? FromMessage() => Message switch
    {
        { } m when m.Contains("permission", StringComparison.OrdinalIgnoreCase) => "permission_prompt",
        { } m when m.Contains("waiting for your input", StringComparison.OrdinalIgnoreCase) => "idle_prompt",
        _ => null,
    };

    private string? ToolFromMessage()
    {
        const string Marker = "permission to use ";
        var at = Message?.IndexOf(Marker, StringComparison.OrdinalIgnoreCase) ?? -1;
        if (at < 0)
        {
            return null;
        }

        var rest = Message!.AsSpan(at + Marker.Length);
        var end = rest.IndexOfAny(' ', '\n', '.');
        var tool = (end < 0 ? rest : rest[..end]).ToString();
        return tool.Length > 0 ? tool : null;
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
}
