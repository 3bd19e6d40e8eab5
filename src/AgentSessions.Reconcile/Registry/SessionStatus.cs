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

/// <summary>The registry's spelling of a <see cref="SessionStatus"/>.</summary>
public static class SessionStatusWords
{
    /// <summary>The word the registry writes for a status (<c>running</c>, <c>stopped</c>, <c>terminated</c> or <c>archived</c>), as status views show it.</summary>
    /// <param name="status">The status.</param>
    /// <returns>The word.</returns>
    public static string ToWord(this SessionStatus status) => Yaml.RegistryMapper.StatusWord(status);
}
