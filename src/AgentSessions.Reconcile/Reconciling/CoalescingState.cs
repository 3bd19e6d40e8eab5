using System.Globalization;
using System.IO.Abstractions;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// What earlier passes reported (coalescing key → content hash) and since when each end-state
/// row's tmux has been seen alive. Carried between passes in <c>&lt;workspace&gt;.state</c>.
/// </summary>
internal sealed class CoalescingState
{
    public Dictionary<string, string> Reported { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DateTimeOffset> EndStateAliveFirstSeen { get; } = new(StringComparer.Ordinal);

    public bool ContentEquals(CoalescingState other) =>
        Reported.Count == other.Reported.Count
        && EndStateAliveFirstSeen.Count == other.EndStateAliveFirstSeen.Count
        && Reported.All(p => other.Reported.TryGetValue(p.Key, out var h) && string.Equals(h, p.Value, StringComparison.Ordinal))
        && EndStateAliveFirstSeen.All(p => other.EndStateAliveFirstSeen.TryGetValue(p.Key, out var t) && t == p.Value);
}

/// <summary>Splits a pass's drifts into new ones and repeats, and computes the state for the next pass.</summary>
internal static class Coalescer
{
    public static (List<Drift> Fresh, int Coalesced, CoalescingState Next) Apply(
        CoalescingState previous,
        IReadOnlyList<(PlannedDrift Planned, Drift Drift)> found,
        DiffResult diff)
    {
        var next = new CoalescingState();
        var fresh = new List<Drift>();
        var coalesced = 0;
        foreach (var (planned, drift) in found)
        {
            var hash = Hash(planned);
            if (previous.Reported.TryGetValue(planned.Key, out var old) && string.Equals(old, hash, StringComparison.Ordinal))
            {
                coalesced++;
            }
            else
            {
                fresh.Add(drift);
            }

            next.Reported[planned.Key] = hash;
        }

        // A drift that could not be looked at this pass is not resolved: keep it as reported, so a
        // probe blip (unknown tmux, unreadable folder) does not make it reported again.
        foreach (var (key, hash) in previous.Reported)
        {
            if (next.Reported.ContainsKey(key))
            {
                continue;
            }

            var tmuxDependent = key.StartsWith("A:", StringComparison.Ordinal)
                || key.StartsWith("B:", StringComparison.Ordinal)
                || key.StartsWith("E:", StringComparison.Ordinal);
            if (diff.UndecidedKeys.Contains(key) || (!diff.TmuxKnown && tmuxDependent))
            {
                next.Reported[key] = hash;
            }
        }

        foreach (var (name, since) in diff.EndStateAliveFirstSeen)
        {
            next.EndStateAliveFirstSeen[name] = since;
        }

        return (fresh, coalesced, next);
    }

    /// <summary>The content hash of a drift: what was seen, not what was done about it.</summary>
    internal static string Hash(PlannedDrift drift)
    {
        var text = string.Join('\u001f', drift.Key, drift.Field ?? string.Empty, drift.Before ?? string.Empty, drift.After ?? string.Empty, drift.Observation);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        return Convert.ToHexStringLower(digest[..12]);
    }
}

/// <summary>
/// Reads and writes the coalescing state file. A missing file is an empty state; a corrupt one is
/// logged and replaced by the next write. Writes are atomic (temp file in the same folder, flush,
/// rename over the original).
/// </summary>
internal sealed class CoalescingStateFile
{
    private const int FormatVersion = 1;
    private readonly IFileSystem _fileSystem;
    private readonly ILogger _logger;

    public CoalescingStateFile(IFileSystem fileSystem, string path, ILogger logger)
    {
        _fileSystem = fileSystem;
        Path = path;
        _logger = logger;
    }

    public string Path { get; }

    public CoalescingState Load()
    {
        string text;
        try
        {
            if (!_fileSystem.File.Exists(Path))
            {
                return new CoalescingState();
            }

            text = _fileSystem.File.ReadAllText(Path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ReconcilerLog.StateFileUnreadable(_logger, Path, ex.Message);
            return new CoalescingState();
        }

        try
        {
            return Parse(text);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            ReconcilerLog.StateFileCorrupt(_logger, Path, ex.Message);
            return new CoalescingState();
        }
    }

    public void Save(CoalescingState state)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        var temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(Path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            _fileSystem.Directory.CreateDirectory(directory);
            using (var stream = _fileSystem.FileStream.New(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    Write(writer, state);
                }

                stream.Flush(flushToDisk: true);
            }

            _fileSystem.File.Move(temp, Path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ReconcilerLog.StateFileUnwritable(_logger, Path, ex.Message);
            try
            {
                _fileSystem.File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The temp file is named after the state file and is harmless if it stays.
            }
        }
    }

    /// <summary>
    /// The state file of a workspace: <c>&lt;stateDirectory&gt;/&lt;workspace&gt;.state</c>, by default under
    /// <c>&lt;root&gt;/.cache/tmux-agent-orchestrate-monitor</c>; characters a file name cannot hold become <c>_</c>.
    /// The one rule for the reconciler and for readers such as <c>agent-sessions status</c>.
    /// </summary>
    internal static string PathFor(string workspaceRoot, string? stateDirectory, string workspace)
    {
        var directory = string.IsNullOrEmpty(stateDirectory)
            ? System.IO.Path.Combine(workspaceRoot, ".cache", "tmux-agent-orchestrate-monitor")
            : stateDirectory;
        var invalid = System.IO.Path.GetInvalidFileNameChars();
        var safe = string.Create(workspace.Length, workspace, (span, w) =>
        {
            for (var i = 0; i < w.Length; i++)
            {
                span[i] = Array.IndexOf(invalid, w[i]) >= 0 ? '_' : w[i];
            }
        });
        return System.IO.Path.Combine(directory, safe + ".state");
    }

    internal static CoalescingState Parse(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("version", out var version)
            || version.GetInt32() != FormatVersion)
        {
            throw new FormatException("not a version 1 coalescing state object");
        }

        var state = new CoalescingState();
        if (root.TryGetProperty("reported", out var reported))
        {
            foreach (var p in reported.EnumerateObject())
            {
                state.Reported[p.Name] = p.Value.GetString() ?? throw new FormatException($"reported.{p.Name} is null");
            }
        }

        if (root.TryGetProperty("endStateAliveFirstSeen", out var firstSeen))
        {
            foreach (var p in firstSeen.EnumerateObject())
            {
                state.EndStateAliveFirstSeen[p.Name] = DateTimeOffset.Parse(
                    p.Value.GetString() ?? throw new FormatException($"endStateAliveFirstSeen.{p.Name} is null"),
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.RoundtripKind);
            }
        }

        return state;
    }

    private static void Write(Utf8JsonWriter writer, CoalescingState state)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", FormatVersion);
        writer.WriteStartObject("reported");
        foreach (var (key, hash) in state.Reported.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, hash);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("endStateAliveFirstSeen");
        foreach (var (name, since) in state.EndStateAliveFirstSeen.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, since.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
