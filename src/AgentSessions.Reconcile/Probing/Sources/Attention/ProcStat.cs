using System.Globalization;
using System.Text;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// Fields of a process from <c>/proc/&lt;pid&gt;/stat</c> (one small read into the stack): its command name
/// and numbered fields (proc(5): 4 the parent pid, 6 the session, 8 the terminal's foreground process group).
/// The name is in parentheses and may itself hold spaces or parentheses: the fields after it are
/// found from the last <c>)</c>. Compiled into the CLI too (the hook walks its own ancestors).
/// </summary>
internal static class ProcStat
{
    /// <summary>Parses a <c>stat</c> line: <c>pid (comm) state ppid …</c>.</summary>
    public static (string Comm, long ParentPid)? Parse(string line) =>
        Field(line, 4) is { } parent ? (line[(line.IndexOf('(', StringComparison.Ordinal) + 1)..line.LastIndexOf(')')], parent) : null;

    /// <summary>The numeric field <paramref name="number"/> (4 or more, as proc(5) counts) of a <c>stat</c> line, or <see langword="null"/>.</summary>
    public static long? Field(string line, int number)
    {
        var open = line.IndexOf('(', StringComparison.Ordinal);
        var close = line.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        // After ")": " state ppid pgrp session tty_nr tpgid …", one space before each field.
        var rest = line.AsSpan(close + 1);
        for (var field = 3; rest.Length > 1 && rest[0] == ' '; field++)
        {
            rest = rest[1..];
            var end = rest.IndexOf(' ');
            if (field == number)
            {
                return long.TryParse(end < 0 ? rest : rest[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;
            }

            rest = end < 0 ? [] : rest[end..];
        }

        return null;
    }

    /// <summary>Reads <c>&lt;proc&gt;/&lt;pid&gt;/stat</c>; <see langword="null"/> when the process is gone or unreadable.</summary>
    public static (string Comm, long ParentPid)? Read(string procDirectory, string pid) => Line(procDirectory, pid) is { } line ? Parse(line) : null;

    /// <summary>The <c>stat</c> line of a process, or <see langword="null"/> when it is gone or unreadable.</summary>
    public static string? Line(string procDirectory, string pid)
    {
        Span<byte> buffer = stackalloc byte[1024];
        var length = ReadInto(Path.Combine(procDirectory, pid, "stat"), buffer);
        return length < 0 ? null : Encoding.UTF8.GetString(buffer[..length]);
    }

    /// <summary>
    /// Reads the start of a file into <paramref name="buffer"/> (one bounded read, as /proc answers):
    /// the bytes read, or -1 when the file is gone or unreadable.
    /// </summary>
    public static int ReadInto(string path, Span<byte> buffer)
    {
        try
        {
            using var handle = File.OpenHandle(path);
            var length = 0;
            for (int read; length < buffer.Length && (read = RandomAccess.Read(handle, buffer[length..], length)) > 0;)
            {
                length += read;
            }

            return length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
