using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentSessions.Reconcile.Cli.Hooks;

/// <summary>
/// <c>agent-sessions hook install | uninstall</c>: merges this tool's hook entries into a Claude Code
/// settings file, or removes exactly them. The format is Claude Code's hooks reference
/// (https://code.claude.com/docs/en/hooks, "Configuration"): <c>"hooks": { "&lt;Event&gt;": [ { "matcher":
/// "…", "hooks": [ { "type": "command", "command": "…", "timeout": N } ] } ] }</c>; a group
/// without <c>matcher</c> matches every tool or notification type. An entry is ours when its
/// <c>command</c> is exactly <see cref="Command"/>; nothing else in the file is touched.
/// </summary>
internal static class HookSettings
{
    /// <summary>The command Claude Code runs (the tool on <c>PATH</c>).</summary>
    public const string Command = "agent-sessions hook";

    /// <summary>Seconds Claude Code waits for the hook (it takes milliseconds).</summary>
    public const int TimeoutSeconds = 10;

    /// <summary>The events whose state the hook records (see <c>ClaudeHookEvent.Meaning</c>).</summary>
    public static readonly IReadOnlyList<string> Events =
        ["SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "PermissionRequest", "Notification", "Stop", "SessionEnd"];

    private static readonly JsonSerializerOptions Output = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Adds one group with our command to every event that has none; returns the events added to.</summary>
    public static IReadOnlyList<string> Install(JsonObject settings)
    {
        var hooks = settings["hooks"] as JsonObject;
        if (settings["hooks"] is not null and not JsonObject)
        {
            throw new FormatException("'hooks' is not an object");
        }

        var added = new List<string>();
        foreach (var name in Events)
        {
            if (hooks?[name] is not null and not JsonArray)
            {
                throw new FormatException($"'hooks.{name}' is not an array");
            }

            var groups = hooks?[name] as JsonArray;
            if (groups is not null && groups.OfType<JsonObject>().Any(g => g["hooks"] is JsonArray h && h.Any(IsOurs)))
            {
                continue;
            }

            hooks ??= (JsonObject)(settings["hooks"] = new JsonObject());
            groups ??= (JsonArray)(hooks[name] = new JsonArray());
            groups.Add((JsonNode)new JsonObject
            {
                ["hooks"] = new JsonArray(new JsonObject
                {
                    ["type"] = "command",
                    ["command"] = Command,
                    ["timeout"] = TimeoutSeconds,
                }),
            });
            added.Add(name);
        }

        return added;
    }

    /// <summary>Removes every handler whose command is ours, then the groups, events and <c>hooks</c> object that emptied; returns the events removed from.</summary>
    public static IReadOnlyList<string> Uninstall(JsonObject settings)
    {
        if (settings["hooks"] is not JsonObject hooks)
        {
            return [];
        }

        var removed = new List<string>();
        foreach (var (name, value) in hooks.ToList())
        {
            if (value is not JsonArray groups)
            {
                continue;
            }

            var touched = false;
            foreach (var group in groups.OfType<JsonObject>().ToList())
            {
                if (group["hooks"] is not JsonArray handlers || handlers.Where(IsOurs).ToList() is not { Count: > 0 } ours)
                {
                    continue;
                }

                ours.ForEach(h => handlers.Remove(h));
                touched = true;
                if (handlers.Count == 0)
                {
                    groups.Remove(group);
                }
            }

            if (touched)
            {
                removed.Add(name);
                if (groups.Count == 0)
                {
                    hooks.Remove(name);
                }
            }
        }

        if (removed.Count > 0 && hooks.Count == 0)
        {
            settings.Remove("hooks");
        }

        return removed;
    }

    /// <summary>Reads, changes and writes a settings file: a <c>.bak</c> of the old one, then temp file + rename. Nothing is written when nothing changed.</summary>
    /// <exception cref="SettingsException">The file is not a JSON object (with line and column), or a part of it has the wrong type.</exception>
    /// <exception cref="IOException">The file could not be read or written.</exception>
    public static IReadOnlyList<string> Apply(string path, bool install)
    {
        JsonObject settings;
        var exists = File.Exists(path);
        if (exists)
        {
            var bytes = File.ReadAllBytes(path);
            try
            {
                settings = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Disallow }) as JsonObject
                    ?? throw new SettingsException(path, "is not a JSON object");
            }
            catch (JsonException e)
            {
                throw new SettingsException(path, $"line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}: is not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})");
            }
        }
        else
        {
            settings = [];
        }

        IReadOnlyList<string> changed;
        try
        {
            changed = install ? Install(settings) : Uninstall(settings);
        }
        catch (FormatException e)
        {
            throw new SettingsException(path, e.Message);
        }

        if (changed.Count == 0)
        {
            return changed;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        if (exists)
        {
            File.Copy(path, path + ".bak", overwrite: true);
        }

        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(temp, settings.ToJsonString(Output) + "\n");
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return changed;
    }

    private static bool IsOurs(JsonNode? handler) =>
        handler is JsonObject h && h["command"] is JsonValue c && c.TryGetValue<string>(out var command) && command == Command;
}

/// <summary>A Claude Code settings file this tool will not change; the message names the file.</summary>
internal sealed class SettingsException : Exception
{
    public SettingsException(string path, string message)
        : base($"{path}: {message}; it was not changed")
    {
    }
}
