namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>
/// A: a running row whose tmux session is gone is marked terminated. Not while tmux is unknown; not
/// within the grace window of the row's own write (its session may not exist yet); and not when no
/// server answered but the row's recorded pane process still runs its command, or the row was last
/// seen on another server whose socket still exists (a wrong socket?). A running row whose session
/// is alive gets where it was seen recorded, and is refreshed when its visible status is not <c>running</c>.
/// </summary>
internal sealed class TmuxGoneRule() : DriftRule(TmuxGone)
{
    public static readonly DriftClass TmuxGone = new('A', "TmuxGone", needsTmux: true);

    public override string Done => "Marked terminated.";

    public override string Would => "Would mark terminated";

    /// <summary>Needs, besides tmux, which recorded panes still run (when no server answered) and which other sockets exist.</summary>
    public override void Need(ObservationNeeds needs)
    {
        needs.Of(LiveKeys.PanesAliveWithoutServer);
        needs.Of(LiveKeys.OtherSocketsPresent);
    }

    public override void Plan(DiffContext diff, SessionRow row)
    {
        if (row.Status != SessionStatus.Running)
        {
            return;
        }

        var key = Key(row.Name);
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

            RecordPane(diff, row, session);
            return;
        }

        if (row.Pane?.Socket is { } seenOn && diff.Tmux.SocketPath is { } asked && seenOn != asked && diff.Live.Get(LiveKeys.OtherSocketsPresent).Contains(seenOn))
        {
            diff.Undecided(key);
            diff.Note($"tmux: running rows were last seen on the server at {seenOn}, but this pass asked {asked} (wrong socket?); they are unknown, not terminated.");
            return;
        }

        if (diff.WithinGrace(row.CreatedAt) || diff.WithinGrace(row.UpdatedAt))
        {
            diff.Undecided(key);
            return;
        }

        if (diff.Tmux.IsNoServer && row.Pane?.Pid is { } pid && diff.Live.Get(LiveKeys.PanesAliveWithoutServer).Contains(pid))
        {
            diff.Undecided(key);
            diff.Note($"tmux: no server answers on {diff.Tmux.SocketPath ?? "the socket"}, but the pane process of a running row is alive (wrong socket?); such rows are unknown, not terminated.");
            return;
        }

        var observation = $"{row.Name}: tmux gone (was {DriftDiff.PaneText(row.Pane?.Pid, row.Pane?.Cmd)}).";
        diff.Drifts.Add(Drift(row.Name, observation, "status", "running", "terminated", new MarkTerminatedMutation(row.Name, row.Pane?.Pid, diff.Now)));
    }

    /// <summary>
    /// Records where a running row was seen alive (the server's socket, the pane id and pid) when the
    /// row does not say so yet: its recorded pane if the session still has it, else the primary pane.
    /// </summary>
    private static void RecordPane(DiffContext diff, SessionRow row, TmuxSession session)
    {
        var seen = session.Panes.FirstOrDefault(p => p.Id is not null && p.Id == row.Pane?.Id) ?? session.PrimaryPane;
        if (seen is null || diff.Tmux.SocketPath is not { } socket
            || (row.Pane is { } p && p.Socket == socket && p.Id == seen.Id && p.Pid == seen.Pid))
        {
            return;
        }

        diff.PaneRecords.Add(new RecordPaneMutation(row.Name, row.Pane?.Pid, socket, seen));
    }
}
