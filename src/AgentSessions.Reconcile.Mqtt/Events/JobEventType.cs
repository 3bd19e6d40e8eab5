namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// The kind of a delegated job's event (the envelope's <c>type</c>). <see cref="Completed"/>,
/// <see cref="Error"/> and <see cref="Cancelled"/> are terminal: the job is over.
/// </summary>
public enum JobEventType
{
    /// <summary>The job started (<c>started</c>).</summary>
    Started,

    /// <summary>The job reports progress (<c>progress</c>).</summary>
    Progress,

    /// <summary>The job finished successfully (<c>completed</c>). Terminal.</summary>
    Completed,

    /// <summary>The job failed (<c>error</c>). Terminal.</summary>
    Error,

    /// <summary>The job was cancelled (<c>cancelled</c>). Terminal.</summary>
    Cancelled,
}
