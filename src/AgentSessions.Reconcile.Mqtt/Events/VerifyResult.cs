namespace AgentSessions.Reconcile.Mqtt;

/// <summary>The verifier's answer: the verified event, or why it was dropped.</summary>
/// <param name="Event">The verified event, or null when dropped.</param>
/// <param name="Reason">Why the event was dropped, or null when verified.</param>
internal readonly record struct VerifyResult(JobEvent? Event, DropReason? Reason)
{
    /// <summary>Gets a value indicating whether the event passed every check and may act.</summary>
    public bool IsVerified => Event is not null;

    public static VerifyResult Verified(JobEvent jobEvent) => new(jobEvent, null);

    public static VerifyResult Dropped(DropReason reason) => new(null, reason);
}
