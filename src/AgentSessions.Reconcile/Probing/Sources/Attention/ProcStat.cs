using System.Globalization;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// The parent pid and command name of a process from <c>/proc/&lt;pid&gt;/stat</c> (one small read).
/// The name is in parentheses and may itself hold spaces or parentheses: the fields after it are
/// found from the last <c>)</c>. Compiled into the CLI too (the hook walks its own ancestors).
/// </summary>
internal static class ProcStat
{
    /// <summary>Parses a <c>stat</c> line: <c>pid (comm) state ppid …</c>.</summary>
    public static (string Comm, long ParentPid)? Parse(string line)
    {
        var open = line.IndexOf('(', StringComparison.Ordinal);
        var close = line.LastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= line.Length)
        {
            return null;
        }

        // After ") ": state, space, ppid, space, …
        var rest = line.AsSpan(close + 2);
        var space = rest.IndexOf(' ');
        if (space < 0)
        {
            return null;
        }

        rest = rest[(space + 1)..];
        var end = rest.IndexOf(' ');
        var ppid = end < 0 ? rest : rest[..end];
        return long.TryParse(ppid, NumberStyles.None, CultureInfo.InvariantCulture, out var parent)
            ? (line[(open + 1)..close], parent)
            : null;
    }

    /// <summary>Reads <c>&lt;proc&gt;/&lt;pid&gt;/stat</c>; <see langword="null"/> when the process is gone or unreadable.</summary>
    public static (string Comm, long ParentPid)? Read(string procDirectory, string pid)
    {
        try
        {
            return Parse(File.ReadAllText(Path.Combine(procDirectory, pid, "stat")));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
