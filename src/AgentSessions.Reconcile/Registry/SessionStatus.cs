namespace AgentSessions.Reconcile;

/// <summary>
/// The lifecycle state of a registered agent session. The registry spells these as the
/// lower-case words <c>running</c>, <c>stopped</c>, <c>terminated</c> and <c>archived</c>.
/// </summary>
public enum SessionStatus
{
    /// <summary>The session is believed to be alive (<c>running</c>).</summary>
    Running,

    /// <summary>A person stopped the session deliberately (<c>stopped</c>); an end state.</summary>
    Stopped,

    /// <summary>The session ended (<c>terminated</c>); an end state.</summary>
    Terminated,

    /// <summary>The session was archived (<c>archived</c>); an end state.</summary>
    Archived,
}
