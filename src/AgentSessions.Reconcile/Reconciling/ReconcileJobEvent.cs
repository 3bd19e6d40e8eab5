namespace AgentSessions.Reconcile;

/// <summary>
/// A verified delegated-job event, recorded by a trigger (<see cref="ReconcileLoop.RecordAsync"/>) and listed
/// by the next report (<see cref="DriftReport.Events"/>). Only an event whose signature, time window, nonce and
/// sequence were checked may be recorded: a terminal one changes the registry.
/// </summary>
public sealed class ReconcileJobEvent
{
    /// <summary>Initializes a new instance of the <see cref="ReconcileJobEvent"/> class.</summary>
    /// <param name="jobId">The job id (<c>job_id</c>).</param>
    /// <param name="session">The session the publisher named (<c>session</c>).</param>
    /// <param name="type">The event type: <c>started</c>, <c>progress</c>, <c>completed</c>, <c>error</c> or <c>cancelled</c>.</param>
    /// <param name="sequence">The per-job counter (<c>seq</c>).</param>
    /// <exception cref="ArgumentException">The type is not one of the five.</exception>
    public ReconcileJobEvent(string jobId, string session, string type, long sequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(type);
        TerminalStatus = type switch
        {
            "started" or "progress" => null,
            "completed" => JobStatus.Completed,
            "error" => JobStatus.Error,
            "cancelled" => JobStatus.Cancelled,
            _ => throw new ArgumentException($"Unknown job event type '{type}'.", nameof(type)),
        };
        JobId = jobId;
        Session = session;
        Type = type;
        Sequence = sequence;
    }

    /// <summary>Gets the job id.</summary>
    public string JobId { get; }

    /// <summary>Gets the session: the registry row that holds the job once a pass applied it, else the publisher's.</summary>
    public string Session { get; }

    /// <summary>Gets the event type as sent (<c>started</c> … <c>cancelled</c>).</summary>
    public string Type { get; }

    /// <summary>Gets the per-job counter.</summary>
    public long Sequence { get; }

    /// <summary>Gets the job status a terminal event records, or <see langword="null"/> for <c>started</c> and <c>progress</c>.</summary>
    public JobStatus? TerminalStatus { get; }

    /// <summary>
    /// Gets a value indicating whether recording this event changed the registry
    /// (a terminal event whose job was found, not yet in an end status, and older than the event);
    /// in a dry run, whether it would have. Always <see langword="false"/> for an event not yet recorded.
    /// </summary>
    public bool Applied { get; internal init; }

    /// <inheritdoc />
    public override string ToString() => $"{JobId} {Type} seq {Sequence}";
}
