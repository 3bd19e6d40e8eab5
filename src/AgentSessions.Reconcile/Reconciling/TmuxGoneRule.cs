namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// A: a running row whose tmux session is gone is marked terminated. Not while tmux is unknown; not
/// within the grace window of the row's own write (its session may not exist yet); and not when no
/// server answered but the row's recorded pane process still runs its command (a wrong socket?).
/// A running row whose session is alive but whose visible status is not <c>running</c> is refreshed.
/// </summary>
internal static class TmuxGoneRule
{
    public static void Plan(DiffContext diff, SessionRow row)
    {
        var key = new DriftKey(DriftClass.TmuxGone, row.Name);
        if (!diff.Tmux.IsKnown)
        {
            return;
        }

        if (diff.Tmux.Find(row.Name) is { } session)
        {
            if (row.LastVisibleStatus != SessionStatus.Running)
            {
                diff.Refreshes.Add(new VisibleRefresh(row.Name, session.Name));
            }

            return;
        }

        if (diff.WithinGrace(Latest(row.CreatedAt, row.UpdatedAt)))
        {
            diff.Undecided(key);
            return;
        }

        if (diff.Tmux.IsNoServer && row.Pane?.Pid is { } pid && diff.Live.PanesAliveWithoutServer.Contains(pid))
        {
            diff.Undecided(key);
            diff.Note($"tmux: no server answers on {diff.Tmux.SocketPath ?? "the socket"}, but the pane process of a running row is alive (wrong socket?); such rows are unknown, not terminated.");
            return;
        }

        diff.Drifts.Add(new PlannedDrift(
            DriftClass.TmuxGone,
            row.Name,
            key,
            $"{row.Name}: tmux gone (was {DriftDiff.PaneText(row.Pane?.Pid, row.Pane?.Cmd)}).",
            "status",
            "running",
            "terminated",
            new MarkTerminatedMutation(row.Name, row.Pane?.Pid, diff.Now)));
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
