using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// A verified terminal job event: the job's <c>status</c> becomes the event's and its <c>last_seq</c> the
/// event's <c>seq</c>; a <c>running</c> row none of whose jobs is still running becomes <c>terminated</c>
/// (<c>termination_mode: job-…</c>). Re-checked under the lock like every other change: the job must
/// still be in the registry, not in an end status already (a person who set the row back to
/// <c>running</c> wins), and the event newer than the job's <c>last_seq</c> (another monitor, or this one
/// before a restart, may have applied it).
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

    /// <summary>Gets a value indicating whether the last apply changed the registry by this event.</summary>
    public bool Applied { get; private set; }

    public override MutationOutcome Apply(Registry current)
    {
        foreach (var row in current.Sessions)
        {
            foreach (var job in row.Jobs)
            {
                if (string.Equals(job.JobId, Event.JobId, StringComparison.Ordinal))
                {
                    Row = row.Name;
                    var outcome = Apply(row, job);
                    Applied = outcome.Applied;
                    return outcome;
                }
            }
        }

        return MutationOutcome.Skip("the job is no longer in the registry");
    }

    private MutationOutcome Apply(SessionRow row, JobEntry job)
    {
        if (job.LastSeq >= Event.Sequence)
        {
            return MutationOutcome.FoundDone($"the job's last_seq is {job.LastSeq} already");
        }

        if (job.Status is JobStatus.Completed or JobStatus.Error or JobStatus.Cancelled)
        {
            return MutationOutcome.Skip($"the job is {RegistryMapper.JobStatusWord(job.Status.Value)} already");
        }

        job.Status = Status;
        job.LastSeq = Event.Sequence;

        if (row.Status == SessionStatus.Running && !AnyRunning(row))
        {
            row.Status = SessionStatus.Terminated;
            row.TerminatedAt = Now;
            row.TerminationMode = "job-" + Event.Type;
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
