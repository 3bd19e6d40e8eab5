namespace AgentSessions.Reconcile;

/// <summary>
/// Whether the agent in a live session needs its human, with the evidence (see docs/attention.md).
/// </summary>
public sealed class SessionAttention
{
    /// <summary>Initializes a new instance of the <see cref="SessionAttention"/> class.</summary>
    /// <param name="state"><c>working</c>, <c>waiting</c>, <c>idle</c>, <c>limited</c>, <c>wedged</c> or <c>unknown</c> (no source can tell; never guessed).</param>
    /// <param name="reason"><c>permission</c> or <c>question</c> for <c>waiting</c>; <c>usage_limit</c> or <c>api_error</c> for <c>limited</c>; <c>no_progress</c> for <c>wedged</c>.</param>
    /// <param name="since">Since when the state holds, as its source knows it; <see langword="null"/> when unknown.</param>
    /// <param name="source">The source that decided: <c>hook</c>, <c>process</c>, <c>transcript</c>, <c>pane</c>, or <c>none</c>.</param>
    /// <param name="evidence">What the source said, in words ("hook Notification (Bash)").</param>
    public SessionAttention(string state, string? reason, DateTimeOffset? since, string source, string evidence) =>
        (State, Reason, Since, Source, Evidence) = (state, reason, since, source, evidence);

    /// <summary>Gets the state: <c>working</c>, <c>waiting</c>, <c>idle</c>, <c>limited</c>, <c>wedged</c> or <c>unknown</c>.</summary>
    public string State { get; }

    /// <summary>Gets the reason of a <c>waiting</c>, <c>limited</c> or <c>wedged</c> state.</summary>
    public string? Reason { get; }

    /// <summary>Gets since when the state holds, as its source knows it; <see langword="null"/> when unknown.</summary>
    public DateTimeOffset? Since { get; }

    /// <summary>Gets the source that decided: <c>hook</c>, <c>process</c>, <c>transcript</c>, <c>pane</c>, or <c>none</c>.</summary>
    public string Source { get; }

    /// <summary>Gets what the source said, in words ("hook Notification (Bash)").</summary>
    public string Evidence { get; }

    /// <summary>Gets the tool a permission is asked for, when known.</summary>
    public string? Tool { get; init; }

    /// <summary>Gets the Claude Code session id of the agent running in the pane, when a hook record or its per-process file names it.</summary>
    public string? SessionId { get; init; }

    /// <summary>Gets where <see cref="SessionId"/> comes from: <c>hook</c> or <c>process</c>.</summary>
    public string? SessionIdSource { get; init; }

    /// <summary>Gets the session id <see cref="SessionId"/> replaced after <c>/clear</c>, when a hook said so.</summary>
    public string? ClearedFrom { get; init; }
}
