namespace AgentSessions.Reconcile.Mqtt;

/// <summary>Limits of <see cref="JobEventVerifier"/>; the defaults are EVENTS.md's.</summary>
internal sealed class JobEventVerifierOptions
{
    /// <summary>Gets how old an event's <c>ts</c> may be. The default is 300 seconds.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Gets how far ahead of our clock an event's <c>ts</c> may be. The default is 60 seconds.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets the most (job, nonce) pairs remembered. Beyond it the oldest go first, even inside
    /// the window; the per-job sequence check still drops their replays. The default is 262,144.</summary>
    public int NonceCacheCapacity { get; init; } = 262_144;

    /// <summary>Gets the deepest nesting of the whole envelope (its object is level 1). The default is 64.</summary>
    public int MaxDepth { get; init; } = 64;
}
