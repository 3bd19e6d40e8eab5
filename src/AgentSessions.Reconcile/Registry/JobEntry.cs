namespace AgentSessions.Reconcile;

/// <summary>
/// A delegated job whose events arrive over MQTT, recorded under a session's <c>jobs:</c>.
/// </summary>
public sealed class JobEntry
{
    /// <summary>Initializes a new instance of the <see cref="JobEntry"/> class.</summary>
    /// <param name="jobId">The job id (<c>job_id</c>).</param>
    public JobEntry(string jobId)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        JobId = jobId;
    }

    /// <summary>Gets or sets the job id (<c>job_id</c>).</summary>
    public string JobId { get; set; }

    /// <summary>Gets or sets the HMAC key for this job's events (<c>auth_token</c>). A secret.</summary>
    public string? AuthToken { get; set; }

    /// <summary>Gets or sets the job's status (<c>status</c>), or <see langword="null"/> when absent.</summary>
    public JobStatus? Status { get; set; }

    /// <summary>
    /// Gets or sets the <c>seq</c> of the last event a monitor applied for this job (<c>last_seq</c>), or
    /// <see langword="null"/> when none was. Written with the change the event made, so a monitor that
    /// restarts drops that event, or an older one, if it is delivered again.
    /// </summary>
    public long? LastSeq { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"{JobId} ({Status?.ToString() ?? "no status"})";
}
