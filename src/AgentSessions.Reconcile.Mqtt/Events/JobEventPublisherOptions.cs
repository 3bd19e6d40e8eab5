namespace AgentSessions.Reconcile.Mqtt;

/// <summary>Options of a <see cref="JobEventPublisher"/>: which job it speaks for and how it signs.</summary>
public sealed class JobEventPublisherOptions
{
    /// <summary>Gets or sets the topic prefix the monitor subscribes under, e.g. <c>agent-sessions/lab</c>.
    /// Events go to <c>{TopicPrefix}/jobs/{JobId}/events</c>.</summary>
    public string TopicPrefix { get; set; } = string.Empty;

    /// <summary>Gets or sets the job id (<c>job_id</c>), as registered under the session's <c>jobs:</c>.</summary>
    public string JobId { get; set; } = string.Empty;

    /// <summary>Gets or sets the agent session the job runs in (<c>session</c>).</summary>
    public string Session { get; set; } = string.Empty;

    /// <summary>Gets or sets the job's <c>auth_token</c> from the registry: the HMAC key. A secret.</summary>
    public string AuthToken { get; set; } = string.Empty;

    /// <summary>Gets or sets the sequence number of the first event published. The monitor drops an event
    /// whose <c>seq</c> is not above the last one it accepted: a runner that restarts continues its count.</summary>
    /// <value>The default is 1.</value>
    public long FirstSequence { get; set; } = 1;
}
