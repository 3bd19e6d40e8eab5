namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>
/// E: an end-state row (stopped, terminated, archived) whose tmux session is alive past the grace
/// window is reported, never revived. The window runs from the row's own <c>terminated_at</c>, else
/// its <c>updated_at</c>; only a row with neither falls back to when a pass first saw it alive.
/// </summary>
internal sealed class EndStateAliveRule() : DriftRule(EndStateAlive)
{
    public static readonly DriftClass EndStateAlive = new('E', "EndStateAlive", needsTmux: true);

    public override string ReportOnly => "Not revived.";

    public override void Plan(DiffContext diff, SessionRow row)
    {
        if (!row.IsInEndState)
        {
            return;
        }

        var previous = diff.PreviousFirstSeen.TryGetValue(row.Name, out var seen) && seen <= diff.Now ? seen : (DateTimeOffset?)null;
        if (!diff.Tmux.IsKnown)
        {
            if (previous is { } kept)
            {
                diff.FirstSeen(row.Name, kept);
            }

            diff.Undecided(Key(row.Name));
            return;
        }

        if (diff.Tmux.Find(row.Name) is not { } session)
        {
            return;
        }

        var firstSeen = previous ?? diff.Now;
        diff.FirstSeen(row.Name, firstSeen);
        var since = row.TerminatedAt ?? row.UpdatedAt ?? firstSeen;
        if (since > diff.Now || diff.Now - since < diff.Options.EndStateGrace)
        {
            return;
        }

        var status = DriftDiff.Word(row.Status);
        var pane = session.PrimaryPane;
        var where = pane is null ? "no pane" : DriftDiff.PaneText(pane.Pid, pane.CurrentCommand);
        diff.Drifts.Add(Drift(row.Name, $"{row.Name}: row is {status} but its tmux session is still alive ({where}).", "status", status, status, mutation: null));
    }
}
