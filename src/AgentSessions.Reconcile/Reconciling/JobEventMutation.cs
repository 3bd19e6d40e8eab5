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
internal sealed class JobEventMutation(ReconcileJobEvent jobEvent, JobStatus status, DateTimeOffset now) : RegistryMutation(jobEvent.Session)
{
    /// <summary>Gets the row that holds the job, as found by the last apply.</summary>
    public string? Row { get; private set; }

    /// <summary>Gets a value indicating whether the last apply changed the registry by this event.</summary>
    public bool Applied { get; private set; }

    public override MutationOutcome Apply(Registry current)
    {
        var (row, job) = current.Sessions.SelectMany(r => (r.JobsIfAny ?? Enumerable.Empty<JobEntry>()).Select(j => (Row: r, Job: j)))
            .FirstOrDefault(p => string.Equals(p.Job.JobId, jobEvent.JobId, StringComparison.Ordinal));
        if (row is null)
        {
            return MutationOutcome.Skip("the job is no longer in the registry");
        }

        Row = row.Name;
        var outcome = Apply(row, job);
        Applied = outcome.Applied;
        return outcome;
    }

    private MutationOutcome Apply(SessionRow row, JobEntry job)
    {
        if (job.LastSeq >= jobEvent.Sequence)
        {
            return MutationOutcome.FoundDone($"the job's last_seq is {job.LastSeq} already");
        }

        if (job.Status is JobStatus.Completed or JobStatus.Error or JobStatus.Cancelled)
        {
            return MutationOutcome.Skip($"the job is {RegistryMapper.JobStatusWord(job.Status.Value)} already");
        }

        job.Status = status;
        job.LastSeq = jobEvent.Sequence;

        if (row.Status == SessionStatus.Running && !row.Jobs.Any(j => j.Status == JobStatus.Running))
        {
            row.Status = SessionStatus.Terminated;
            row.TerminatedAt = now;
            row.TerminationMode = "job-" + jobEvent.Type;
        }

        row.UpdatedAt = now;
        return MutationOutcome.Done;
    }
}
