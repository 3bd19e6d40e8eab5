using System.Globalization;
using System.IO.Abstractions;
using System.Text;
using System.Text.Json;

namespace AgentSessions.Reconcile;

/// <summary>
/// The drift state as one JSON file per workspace (<c>{ version, reported: { key: { hash, message,
/// at } }, endStateAliveFirstSeen: { row: time } }</c>), written atomically: a temp file in the same
/// folder, flushed to disk, renamed over the original. Every trouble is an <see cref="IOException"/>
/// naming the file; the reconciler says it once.
/// </summary>
internal sealed class FileDriftStateStore(IFileSystem fileSystem, string workspaceRoot, string? stateDirectory) : IDriftStateStore
{
    private const int FormatVersion = 2;
    private const int FlushAt = 64 * 1024;
    public DriftState Load(string workspace)
    {
        var path = PathFor(workspaceRoot, stateDirectory, workspace);
        byte[] bytes;
        try
        {
            if (!fileSystem.File.Exists(path))
            {
                return new DriftState();
            }

            bytes = fileSystem.File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"the coalescing state {path} could not be read ({ex.Message})", ex);
        }

        try
        {
            return Parse(bytes);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new IOException($"the coalescing state {path} is corrupt ({ex.Message}); it is replaced by the next write", ex);
        }
    }

    public void Save(string workspace, DriftState state)
    {
        var path = PathFor(workspaceRoot, stateDirectory, workspace);
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            CreateDirectory(directory);
            using (var stream = fileSystem.FileStream.New(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    Write(writer, state);
                }

                stream.Flush(flushToDisk: true);
            }

            fileSystem.File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                fileSystem.File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The temp file is named after the state file and is harmless if it stays.
            }

            throw new IOException($"the coalescing state {path} could not be written ({ex.Message}); drifts may be reported again", ex);
        }
    }

    /// <summary>
    /// The state file of a workspace: <c>&lt;stateDirectory&gt;/&lt;workspace&gt;.state</c>, by default under
    /// <c>&lt;root&gt;/.cache/tmux-agent-orchestrate-monitor</c>; characters a file name cannot hold become <c>_</c>.
    /// </summary>
    internal static string PathFor(string workspaceRoot, string? stateDirectory, string workspace)
    {
        var directory = string.IsNullOrEmpty(stateDirectory) ? DefaultDirectory(workspaceRoot) : stateDirectory;
        var invalid = Path.GetInvalidFileNameChars();
        var safe = string.Create(workspace.Length, workspace, (span, w) =>
        {
            for (var i = 0; i < w.Length; i++)
            {
                span[i] = Array.IndexOf(invalid, w[i]) >= 0 ? '_' : w[i];
            }
        });
        return Path.Combine(directory, safe + ".state");
    }

    internal static DriftState Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    /// <summary>Reads the state from the file's bytes (no decoded copy of a large file).</summary>
    internal static DriftState Parse(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? utf8[3..] : utf8);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("version", out var version)
            || version.GetInt32() is not (1 or FormatVersion))
        {
            throw new FormatException($"not a version {FormatVersion} coalescing state object");
        }

        // Version 1 kept only the hash: its drifts read as reported at an unknown time, without a message.
        var v1 = version.GetInt32() == 1;

        var state = new DriftState();
        if (root.TryGetProperty("reported", out var reported))
        {
            foreach (var p in reported.EnumerateObject())
            {
                var key = DriftKey.Parse(p.Name) ?? throw new FormatException($"reported key '{p.Name}' is not a drift key");
                state.Reported[key] = v1 ? new ReportedDrift(p.Value.GetString() ?? throw new FormatException($"reported.{p.Name} is null"), string.Empty, default) : new ReportedDrift(
                    p.Value.GetProperty("hash").GetString() ?? throw new FormatException($"reported.{p.Name}.hash is null"),
                    p.Value.GetProperty("message").GetString() ?? string.Empty,
                    Time(p.Value.GetProperty("at").GetString(), $"reported.{p.Name}.at"));
            }
        }

        if (root.TryGetProperty("endStateAliveFirstSeen", out var firstSeen))
        {
            foreach (var p in firstSeen.EnumerateObject())
            {
                state.EndStateAliveFirstSeen[p.Name] = Time(p.Value.GetString(), $"endStateAliveFirstSeen.{p.Name}");
            }
        }

        return state;
    }

    private static DateTimeOffset Time(string? text, string what) =>
        DateTimeOffset.Parse(text ?? throw new FormatException($"{what} is null"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static string DefaultDirectory(string workspaceRoot) => Path.Combine(workspaceRoot, ".cache", "tmux-agent-orchestrate-monitor");

    private void CreateDirectory(string directory)
    {
        // A .cache/ this tool creates holds only caches: a .gitignore keeps the workspace's git status clean.
        var cache = Path.Combine(workspaceRoot, ".cache");
        if (stateDirectory is null && !fileSystem.Directory.Exists(cache))
        {
            fileSystem.Directory.CreateDirectory(cache);
            fileSystem.File.WriteAllText(Path.Combine(cache, ".gitignore"), "*\n");
        }

        fileSystem.Directory.CreateDirectory(directory);
    }

    private static void Write(Utf8JsonWriter writer, DriftState state)
    {
        writer.WriteStartObject();
        writer.WriteNumber("version", FormatVersion);
        writer.WriteStartObject("reported");
        foreach (var (key, drift) in state.Reported.Select(p => (Key: p.Key.ToString(), p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(key);
            writer.WriteString("hash", drift.Hash);
            writer.WriteString("message", drift.Message);
            writer.WriteString("at", Stamp(drift.At));
            writer.WriteEndObject();
            if (writer.BytesPending > FlushAt)
            {
                writer.Flush(); // thousands of drifts go to the file in pieces, not held whole
            }
        }

        writer.WriteEndObject();
        writer.WriteStartObject("endStateAliveFirstSeen");
        foreach (var (name, since) in state.EndStateAliveFirstSeen.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            writer.WriteString(name, Stamp(since));
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static string Stamp(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
