using System.Globalization;
using System.Text;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// The last pane read of a row, kept in the workspace's cache folder
/// (<c>&lt;root&gt;/.cache/tmux-agent-orchestrate-monitor/panes/&lt;tmux name&gt;</c>) so that the once-a-minute
/// limit holds across runs of the tool, not only within one process. Three lines: the pane's pid, the
/// read's time and the matched pattern with its since (Unix milliseconds). A file of another pane (the
/// session was started again), or one that does not parse, counts as no read. Best-effort: a file that
/// cannot be written only costs a read next time.
/// </summary>
internal static class PaneReadFile
{
    /// <summary>The file of a pane, or <see langword="null"/> for a name that is not one file name.</summary>
    public static string? PathFor(string workspaceRoot, string tmuxName) =>
        tmuxName.Length == 0 || tmuxName[0] == '.' || tmuxName.Contains('/', StringComparison.Ordinal) ? null
            : Path.Combine(workspaceRoot, ".cache", "tmux-agent-orchestrate-monitor", "panes", tmuxName);

    // The file is four short lines (about 50 bytes); a longer one is not a file this class wrote.
    private const int MaxBytes = 256;

    public static (DateTimeOffset At, PaneText.Pattern? Pattern, DateTimeOffset? Since)? Read(string path, long? panePid)
    {
        // Read into the stack: a pass reads one such file per live row, and in a cold process the
        // buffers of File.ReadAllLines (about 8 KB a file) cost more in fresh heap pages than the reads.
        Span<byte> buffer = stackalloc byte[MaxBytes + 1];
        var length = 0;
        try
        {
            using var handle = File.OpenHandle(path);
            int read;
            while (length < buffer.Length && (read = RandomAccess.Read(handle, buffer[length..], length)) > 0)
            {
                length += read;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // Four lines, each read where it lies (no strings): the pid, the read's time, the pattern, its since.
        ReadOnlySpan<byte> text = length > MaxBytes ? [] : buffer[..length];
        Span<int> ends = stackalloc int[5];
        var count = 0;
        for (var i = 0; i < text.Length && count < ends.Length; i++)
        {
            if (text[i] == (byte)'\n')
            {
                ends[count++] = i;
            }
        }

        if (count != 4 || ends[3] != text.Length - 1 || !IsText(text[..ends[0]], panePid) || Instant(text[(ends[0] + 1)..ends[1]]) is not { } readAt)
        {
            return null;
        }

        var pattern = text[(ends[1] + 1)..ends[2]];
        PaneText.Pattern? matched = null;
        for (var i = 0; i < PaneText.Patterns.Count && matched is null; i++)
        {
            matched = IsText(pattern, PaneText.Patterns[i].Id) ? PaneText.Patterns[i] : null;
        }

        return matched is null && !pattern.SequenceEqual("-"u8) ? null : (readAt, matched, matched is null ? null : Instant(text[(ends[2] + 1)..ends[3]]));
    }

    public static void Write(string path, long? panePid, DateTimeOffset at, PaneText.Pattern? pattern, DateTimeOffset? since)
    {
        var temp = path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(temp, $"{Text(panePid)}\n{Text(at)}\n{pattern?.Id ?? "-"}\n{Text(since)}\n");
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best-effort: the next run reads the pane again.
        }
    }

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Text(DateTimeOffset? value) => Text(value?.ToUnixTimeMilliseconds());

    private static DateTimeOffset? Instant(ReadOnlySpan<byte> text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    private static bool IsText(ReadOnlySpan<byte> line, long? value)
    {
        Span<byte> written = stackalloc byte[20];
        return value is { } v ? v.TryFormat(written, out var length, default, CultureInfo.InvariantCulture) && line.SequenceEqual(written[..length]) : line.SequenceEqual("-"u8);
    }

    private static bool IsText(ReadOnlySpan<byte> line, string text)
    {
        Span<byte> written = stackalloc byte[MaxBytes];
        return Encoding.UTF8.TryGetBytes(text, written, out var length) && line.SequenceEqual(written[..length]);
    }
}
