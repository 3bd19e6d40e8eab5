namespace AgentSessions.Reconcile;

/// <summary>
/// One agent session in the registry (an item of <c>sessions:</c>). Keys the library does not
/// know are kept by the store and written back unchanged; they are not part of this type.
/// </summary>
public sealed class SessionRow
{
    // Made on first use: most rows have neither, and a 20,000-row registry held twice saves about 4.5 MB.
    private IDictionary<string, IDictionary<string, string?>>? identities;
    private IList<JobEntry>? jobs;

    /// <summary>Initializes a new instance of the <see cref="SessionRow"/> class.</summary>
    /// <param name="name">The exact tmux session name; the row's key.</param>
    public SessionRow(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>Gets or sets the exact tmux session name (<c>name</c>), unique in the registry.</summary>
    public string Name { get; set; }

    /// <summary>Gets or sets the agent kind (<c>agent</c>): <c>claude</c>, <c>agy</c>, or any other word.</summary>
    public string? Agent { get; set; }

    /// <summary>Gets or sets the project (<c>project</c>).</summary>
    public string? Project { get; set; }

    /// <summary>Gets or sets the directory the agent runs in (<c>cwd</c>).</summary>
    public string? Cwd { get; set; }

    /// <summary>Gets or sets the lifecycle status (<c>status</c>), or <see langword="null"/> when absent.</summary>
    public SessionStatus? Status { get; set; }

    /// <summary>Gets or sets the last status seen on screen (<c>last_visible_status</c>).</summary>
    public SessionStatus? LastVisibleStatus { get; set; }

    /// <summary>Gets or sets a free-form note about the last visible state (<c>last_visible_note</c>).</summary>
    public string? LastVisibleNote { get; set; }

    /// <summary>Gets or sets when the row was created (<c>created_at</c>, RFC 3339 UTC).</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>Gets or sets when the row was last updated (<c>updated_at</c>, RFC 3339 UTC).</summary>
    public DateTimeOffset? UpdatedAt { get; set; }

    /// <summary>Gets or sets when the session ended (<c>terminated_at</c>, RFC 3339 UTC).</summary>
    public DateTimeOffset? TerminatedAt { get; set; }

    /// <summary>Gets or sets how the session ended (<c>termination_mode</c>), e.g. <c>auto-detected</c>.</summary>
    public string? TerminationMode { get; set; }

    /// <summary>Gets or sets whether the session can be resumed (<c>resumable</c>). Never cleared by the monitor.</summary>
    public bool? Resumable { get; set; }

    /// <summary>Gets or sets the recorded pane facts (<c>pane</c>).</summary>
    public PaneInfo? Pane { get; set; }

    /// <summary>Gets or sets the id of this session's own Claude transcript (<c>claude_session_id_own</c>).</summary>
    public string? ClaudeSessionIdOwn { get; set; }

    /// <summary>Gets or sets the id of this session's own agy conversation (<c>agy_session_id_own</c>).</summary>
    public string? AgySessionIdOwn { get; set; }

    /// <summary>
    /// Gets the ids this row refers to (<c>agent_identities</c>), by agent, then by field: for
    /// example <c>AgentIdentities["claude"]["session_id"]</c> or
    /// <c>AgentIdentities["agy"]["conversation_id"]</c>. Scalar values are kept as their text.
    /// </summary>
    public IDictionary<string, IDictionary<string, string?>> AgentIdentities =>
        LazyInitializer.EnsureInitialized(ref identities, () => new Dictionary<string, IDictionary<string, string?>>(StringComparer.Ordinal));

    /// <summary>Gets the delegated jobs of this session (<c>jobs</c>), in file order.</summary>
    public IList<JobEntry> Jobs => LazyInitializer.EnsureInitialized(ref jobs, () => new List<JobEntry>());

    /// <summary>Gets the identities when any were asked for or read (made on first use: most rows have none).</summary>
    internal IDictionary<string, IDictionary<string, string?>>? IdentitiesIfAny => identities is { Count: > 0 } i ? i : null;

    /// <summary>Gets the jobs when there are any, without making the list.</summary>
    internal IList<JobEntry>? JobsIfAny => jobs is { Count: > 0 } j ? j : null;

    /// <summary>Gets the number of identity agents, without making the dictionary.</summary>
    internal int IdentityCount => identities?.Count ?? 0;

    /// <summary>Gets the number of jobs, without making the list.</summary>
    internal int JobCount => jobs?.Count ?? 0;

    /// <summary>Gets a value indicating whether <see cref="Status"/> is one of the deliberate end states.</summary>
    public bool IsInEndState => Status is SessionStatus.Stopped or SessionStatus.Terminated or SessionStatus.Archived;

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Status?.ToString() ?? "no status"})";
}
