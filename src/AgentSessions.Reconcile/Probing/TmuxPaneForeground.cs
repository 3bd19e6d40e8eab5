using System.Globalization;
using System.Text;
using AgentSessions.Reconcile.Attention;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// A live pane's <c>pane_current_command</c> and <c>pane_current_path</c>, read from <c>/proc</c> as tmux 3.3a
/// finds them on Linux (osdep-linux.c, names.c's <c>parse_window_name</c>), with no process spawned and only when
/// asked: the foreground process group of the pane's terminal (<c>tpgid</c> in the pane process's <c>stat</c>:
/// what tmux's <c>tcgetpgrp</c> returns), the first argument of the group's leader (<c>cmdline</c>) cut to a
/// name, and the leader's <c>cwd</c>, else the session leader's. Where a read fails (the process is gone, no
/// permission) the field is unknown, also where tmux would fall back to the pane's start command.
/// </summary>
internal static class TmuxPaneForeground
{
    // tmux reads the whole first argument; a longer one than this is unknown here.
    private const int MaxArgumentBytes = 4096;

    public static (string? Command, string? Path) Read(string procDirectory, long panePid)
    {
        if (ProcStat.Line(procDirectory, Text(panePid)) is not { } stat || ProcStat.Field(stat, 8) is not (>= 0 and var group))
        {
            return (null, null);
        }

        return (Command(procDirectory, group), Cwd(procDirectory, group) ?? (ProcStat.Field(stat, 6) is { } session ? Cwd(procDirectory, session) : null));
    }

    /// <summary>tmux's <c>parse_window_name</c>: the command word of an argument, a path cut to its last part.</summary>
    internal static string? WindowName(ReadOnlySpan<byte> name)
    {
        name = name is [(byte)'"', ..] ? name[1..] : name;
        name = name.IndexOf((byte)'"') is >= 0 and var quote ? name[..quote] : name;
        name = name.StartsWith("exec "u8) ? name[5..] : name;
        name = name.TrimStart(" -"u8);
        name = name.IndexOf((byte)' ') is >= 0 and var space ? name[..space] : name;
        while (name.Length > 1 && name[^1] is < 0x21 or > 0x7e)
        {
            name = name[..^1]; // not isalnum nor ispunct
        }

        if (name is [(byte)'/', ..])
        {
            var trimmed = name.TrimEnd((byte)'/'); // POSIX basename
            name = trimmed.IsEmpty ? "/"u8 : trimmed[(trimmed.LastIndexOf((byte)'/') + 1)..];
        }

        return name.IsEmpty ? null : Encoding.UTF8.GetString(name);
    }

    private static string? Command(string procDirectory, long group)
    {
        Span<byte> buffer = stackalloc byte[MaxArgumentBytes];
        var length = ProcStat.ReadInto(Path.Combine(procDirectory, Text(group), "cmdline"), buffer);
        var end = buffer[..Math.Max(length, 0)].IndexOf((byte)0);
        return end < 0 && length == buffer.Length ? null : WindowName(buffer[..(end < 0 ? Math.Max(length, 0) : end)]);
    }

    private static string? Cwd(string procDirectory, long pid)
    {
        try
        {
            return new FileInfo(Path.Combine(procDirectory, Text(pid), "cwd")).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Text(long pid) => pid.ToString(CultureInfo.InvariantCulture);
}
