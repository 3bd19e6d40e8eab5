namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// A verified terminal job event: the job's <c>status</c> becomes the event's; a <c>running</c> row
/// none of whose jobs is still running becomes <c>terminated</c> (<c>termination_mode: job-…</c>).
/// Re-checked under the lock like every other change: the job must still be in the registry.
/// </summary>
internal sealed class JobEventMutation : RegistryMutation
{
    public JobEventMutation(ReconcileJobEvent jobEvent, JobStatus status, DateTimeOffset now)
        : base(jobEvent.Session)
    {
        Event = jobEvent;
        Status = status;
        Now = now;
    }

    public ReconcileJobEvent Event { get; }

    public JobStatus Status { get; }

    public DateTimeOffset Now { get; }

    /// <summary>Gets the row that holds the job, as found by the last apply.</summary>
    public string? Row { get; private set; }

    public override MutationOutcome Apply(Registry current)
    {
        foreach (var row in current.Sessions)
        {
            foreach (var job in row.Jobs)
            {
                if (string.Equals(job.JobId, Event.JobId, StringComparison.Ordinal))
                {
                    Row = row.Name;
                    return Apply(row, job);
                }
            }
        }

        return MutationOutcome.Skip("the job is no longer in the registry");
    }

    private MutationOutcome Apply(SessionRow row, JobEntry job)
    {
        var changed = false;
        if (job.Status != Status)
        {
            job.Status = Status;
            changed = true;
        }

        if (row.Status == SessionStatus.Running && !AnyRunning(row))
        {
            row.Status = SessionStatus.Terminated;
            row.TerminatedAt = Now;
            row.TerminationMode = "job-" + Event.Type;
            changed = true;
        }

        if (!changed)
        {
            return MutationOutcome.Skip("already recorded");
        }

        row.UpdatedAt = Now;
        return MutationOutcome.Done;
    }

    private static bool AnyRunning(SessionRow row)
    {
        foreach (var job in row.Jobs)
        {
            if (job.Status == JobStatus.Running)
            {
                return true;
            }
        }

        return false;
    }
}
