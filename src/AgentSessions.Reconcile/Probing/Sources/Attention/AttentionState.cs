namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// Whether a live agent needs its human, and the evidence: <c>working</c>, <c>waiting</c>
/// (<c>permission</c> | <c>question</c>), <c>idle</c>, <c>limited</c> (<c>usage_limit</c> |
/// <c>api_error</c>), <c>wedged</c>, or <c>unknown</c> (no source can tell; never guessed). The source is
/// <c>hook</c>, <c>process</c>, <c>transcript</c> or <c>pane</c> (<c>none</c> for unknown).
/// </summary>
internal sealed record AttentionState(string State, string? Reason, DateTimeOffset? Since, string Source, string Evidence, string? Tool = null)
{
    public const string Working = "working";
    public const string Waiting = "waiting";
    public const string Idle = "idle";
    public const string Limited = "limited";
    public const string Wedged = "wedged";
    public const string Unknown = "unknown";

    /// <summary>No source can tell.</summary>
    public static AttentionState None { get; } = new(Unknown, null, null, "none", "no hook record, process file, transcript or pane text explains it");

    /// <summary>Whether the row needs its human (drift class F): waiting longer than <paramref name="waitingAfter"/>, limited or wedged.</summary>
    public bool NeedsAttention(DateTimeOffset now, TimeSpan waitingAfter) => State switch
    {
        Waiting => Since is { } since && now - since >= waitingAfter,
        Limited or Wedged => true,
        _ => false,
    };
}
