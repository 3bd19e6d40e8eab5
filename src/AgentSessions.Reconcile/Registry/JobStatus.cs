namespace AgentSessions.Reconcile;

/// <summary>
/// The state of a delegated job recorded under a session's <c>jobs</c>. The registry spells
/// these as <c>running</c>, <c>completed</c>, <c>error</c> and <c>cancelled</c>.
/// </summary>
public enum JobStatus
{
    /// <summary>The job is still running (<c>running</c>).</summary>
    Running,

    /// <summary>The job finished successfully (<c>completed</c>); terminal.</summary>
    Completed,

    /// <summary>The job failed (<c>error</c>); terminal.</summary>
    Error,

    /// <summary>The job was cancelled (<c>cancelled</c>); terminal.</summary>
    Cancelled,
}
