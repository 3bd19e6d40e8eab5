namespace AgentSessions.Reconcile;

/// <summary>What <see cref="ISessionProbe.ProbeArtifactsAsync"/> found on disk.</summary>
public sealed class ArtifactState
{
    /// <summary>Initializes a new instance of the <see cref="ArtifactState"/> class.</summary>
    /// <param name="transcriptsByCwd">Claude transcripts by requested working directory.</param>
    /// <param name="claudeSessions">Presence of each requested Claude session id.</param>
    /// <param name="agyLastConversations">The agy workspace → conversation map, or <see langword="null"/> when unknown.</param>
    /// <param name="agyConversations">Presence of each requested agy conversation id.</param>
    public ArtifactState(
        IReadOnlyDictionary<string, ClaudeProjectListing> transcriptsByCwd,
        IReadOnlyDictionary<string, ArtifactPresence> claudeSessions,
        IReadOnlyDictionary<string, string>? agyLastConversations,
        IReadOnlyDictionary<string, AgyConversation> agyConversations)
    {
        TranscriptsByCwd = transcriptsByCwd;
        ClaudeSessions = claudeSessions;
        AgyLastConversations = agyLastConversations;
        AgyConversations = agyConversations;
    }

    /// <summary>Gets an empty state (nothing requested, nothing found).</summary>
    public static ArtifactState Empty { get; } = new(
        new Dictionary<string, ClaudeProjectListing>(StringComparer.Ordinal),
        new Dictionary<string, ArtifactPresence>(StringComparer.Ordinal),
        null,
        new Dictionary<string, AgyConversation>(StringComparer.Ordinal));

    /// <summary>Gets the Claude transcripts found for each requested working directory.</summary>
    public IReadOnlyDictionary<string, ClaudeProjectListing> TranscriptsByCwd { get; }

    /// <summary>Gets whether each requested Claude session id has a transcript.</summary>
    public IReadOnlyDictionary<string, ArtifactPresence> ClaudeSessions { get; }

    /// <summary>
    /// Gets agy's map of absolute workspace path to most recent conversation id
    /// (<c>last_conversations.json</c>), or <see langword="null"/> when it could not be read
    /// (absent, empty, mid-rewrite or of the wrong shape).
    /// </summary>
    public IReadOnlyDictionary<string, string>? AgyLastConversations { get; }

    /// <summary>Gets the conversation files of each requested agy conversation id.</summary>
    public IReadOnlyDictionary<string, AgyConversation> AgyConversations { get; }
}

/// <summary>The Claude transcripts of one working directory.</summary>
/// <param name="Presence">Whether the project folder could be listed (<see cref="ArtifactPresence.Missing"/>: no folder).</param>
/// <param name="Transcripts">The transcripts whose recorded <c>cwd</c> matches (or that record none), newest first.</param>
public sealed record ClaudeProjectListing(ArtifactPresence Presence, IReadOnlyList<ClaudeTranscript> Transcripts);

/// <summary>One Claude Code transcript file.</summary>
/// <param name="SessionId">The session id (the file name without <c>.jsonl</c>).</param>
/// <param name="Path">The file's full path.</param>
/// <param name="LastWrite">The file's modification time.</param>
/// <param name="RecordedCwd">The <c>cwd</c> of the first record that carries one within the bounded head, or <see langword="null"/>.</param>
/// <param name="RecordedSessionId">The <c>sessionId</c> of the first record that carries one within the bounded head, or <see langword="null"/>.</param>
public sealed record ClaudeTranscript(
    string SessionId,
    string Path,
    DateTimeOffset LastWrite,
    string? RecordedCwd,
    string? RecordedSessionId);

/// <summary>One agy conversation's files.</summary>
/// <param name="Presence">Whether <c>conversations/&lt;id&gt;.db</c> exists.</param>
/// <param name="LastWrite">The later of the <c>.db</c> and <c>-wal</c> modification times, when present.</param>
public sealed record AgyConversation(ArtifactPresence Presence, DateTimeOffset? LastWrite);
