namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// Whether a running row's recorded pane process still lives (<c>/proc/&lt;pid&gt;</c>) and runs
/// the recorded command (the process itself or one of its children). Asked only when no tmux
/// server answered, to tell a reboot from a wrong socket. And whether the socket a running row was
/// last seen on, when it is not the one asked, still exists.
/// </summary>
internal sealed class PaneProcesses(ProbeSettings settings) : ILiveSource
{
    /// <summary>Adds what the rules asked for: the live recorded panes (only when no server answered), the other sockets present.</summary>
    public ValueTask<LiveState> ObserveAsync(ObservationNeeds needs, LiveState live, CancellationToken cancellationToken)
    {
        if (needs.Wants(LiveKeys.PanesAliveWithoutServer))
        {
            live = live.With(LiveKeys.PanesAliveWithoutServer, needs.Tmux.IsNoServer ? AliveRunningRecorded(settings, needs.Registry) : new HashSet<long>());
        }

        return ValueTask.FromResult(needs.Wants(LiveKeys.OtherSocketsPresent) ? live.With(LiveKeys.OtherSocketsPresent, OtherSocketsPresent(settings, needs.Registry, needs.Tmux)) : live);
    }

    public static IReadOnlySet<long> AliveRunningRecorded(ProbeSettings settings, Registry registry) =>
        registry.Sessions.Where(r => r.Status == SessionStatus.Running).Select(r => r.Pane)
            .Where(p => p is { Pid: not null, Cmd.Length: > 0 } && IsRunning(settings, p.Pid.Value, p.Cmd))
            .Select(p => p!.Pid!.Value).ToHashSet();

    /// <summary>
    /// The recorded sockets, other than the one asked, of running rows whose session this server
    /// does not have, that still exist (one stat per socket): a server may still listen there.
    /// </summary>
    public static IReadOnlySet<string> OtherSocketsPresent(ProbeSettings settings, Registry registry, TmuxState tmux) =>
        registry.Sessions.Where(row => tmux.IsKnown && row.Status == SessionStatus.Running && tmux.Find(row.Name) is null)
            .Select(row => row.Pane?.Socket).OfType<string>()
            .Where(socket => socket.Length > 0 && !string.Equals(socket, tmux.SocketPath, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).Where(settings.FileSystem.File.Exists).ToHashSet(StringComparer.Ordinal);

    internal static bool IsRunning(ProbeSettings settings, long pid, string command) =>
        Runs(settings, pid, command)
        || (Read(settings, $"{pid}/task/{pid}/children") ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(child => long.TryParse(child, out var childPid) && Runs(settings, childPid, command));

    private static bool Runs(ProbeSettings settings, long pid, string command)
    {
        if (Read(settings, $"{pid}/comm") is not { } comm)
        {
            return false;
        }

        if (string.Equals(comm.TrimEnd('\n'), command, StringComparison.Ordinal))
        {
            return true;
        }

        // comm is cut at 15 bytes, and a script runs as its interpreter: argv[0] says what was started.
        var cmdline = Read(settings, $"{pid}/cmdline") ?? string.Empty;
        var argv0 = cmdline.Split('\0')[0];
        return string.Equals(Path.GetFileName(argv0), command, StringComparison.Ordinal);
    }

    private static string? Read(ProbeSettings settings, string relative)
    {
        try
        {
            return settings.FileSystem.File.ReadAllText(settings.FileSystem.Path.Combine(settings.ProcDirectory, relative));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
