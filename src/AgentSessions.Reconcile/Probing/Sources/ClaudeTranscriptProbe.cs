using System.IO.Abstractions;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// Finds Claude Code transcripts: <c>projects/&lt;key&gt;/*.jsonl</c> for each working directory
/// (confirmed by the <c>cwd</c> recorded inside), and whether session ids have a transcript.
/// Each project folder is listed at most once per pass; heads are read bounded and remembered
/// across passes while the file only grows (transcripts are append-only). A quiet pass lists a
/// folder again only when its own mtime changed (a file created, removed or renamed in it), when it
/// changed within the same tick as the last listing, or when that listing is older than
/// <see cref="MaxListingAge"/>; otherwise it keeps the last listing and stats only the files whose
/// head was too short to decide (docs/probes.md says what this can miss).
/// </summary>
internal sealed partial class ClaudeTranscriptProbe : LiveSource<AgentFiles>
{
    /// <summary>The longest a folder's listing is kept: an append to a transcript is seen this late at most.</summary>
    public static readonly TimeSpan MaxListingAge = TimeSpan.FromMinutes(10);

    private const string Extension = ".jsonl";

    private readonly ProbeSettings settings;
    private readonly IFileSystem fs;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private Dictionary<string, FolderSnapshot> known = new(StringComparer.Ordinal);

    /// <param name="settings">Where to look.</param>
    /// <param name="timeProvider">
    /// The clock compared with the folders' mtimes (tests only); the system clock by default, as
    /// the file system stamps files with it (a host's fake clock is not passed on).
    /// </param>
    public ClaudeTranscriptProbe(ProbeSettings settings, TimeProvider? timeProvider = null)
        : base(LiveKeys.Claude)
    {
        this.settings = settings;
        fs = settings.FileSystem;
        time = timeProvider ?? TimeProvider.System;

        // The real file system is listed with FileSystemEnumerable: the name, length and mtime of
        // each entry come from the one lstat the enumerator does, with no FileInfo or wrapper per
        // file. Any other IFileSystem (a mock, a decorator) goes through the abstraction.
        UsesDirectEnumeration = fs.GetType() == typeof(FileSystem);
    }

    public string ProjectsDirectory => fs.Path.Combine(settings.ClaudeConfigDirectory, "projects");

    /// <summary>Gets a value indicating whether folders are listed directly rather than through <see cref="IFileSystem"/>.</summary>
    internal bool UsesDirectEnumeration { get; }

    /// <summary>Gets how many times a project folder was listed in full (what a quiet pass avoids).</summary>
    internal int FolderListings { get; private set; }

    /// <summary>
    /// The transcripts confirmed for each requested directory (their recorded <c>cwd</c> is the
    /// directory, their recorded <c>sessionId</c> their name) and the presence of each requested id;
    /// unknown when Claude's config folder does not exist at all (a wrong <c>HOME</c>?).
    /// </summary>
    public AgentFiles Observe(ArtifactRequest request, CancellationToken cancellationToken)
    {
        if (!fs.Directory.Exists(settings.ClaudeConfigDirectory))
        {
            return AgentFiles.Unknown($"Claude's config folder {settings.ClaudeConfigDirectory} does not exist (is HOME or CLAUDE_CONFIG_DIR right?)");
        }

        var result = Probe(request, cancellationToken);
        var conversations = new List<AgentConversation>();
        foreach (var (cwd, listing) in result.TranscriptsByCwd)
        {
            var wanted = AgentFiles.NormalizePath(cwd);
            foreach (var t in listing.Transcripts)
            {
                if (t.RecordedCwd is { } recorded
                    && string.Equals(AgentFiles.NormalizePath(recorded), wanted, StringComparison.Ordinal)
                    && (t.RecordedSessionId is null || string.Equals(t.RecordedSessionId, t.SessionId, StringComparison.Ordinal)))
                {
                    conversations.Add(new AgentConversation(t.SessionId, cwd, t.LastWrite));
                }
            }
        }

        var present = new List<string>();
        var unknown = new List<string>();
        foreach (var (id, presence) in result.SessionPresence)
        {
            (presence == ArtifactPresence.Present ? present : presence == ArtifactPresence.Unknown ? unknown : null)?.Add(id);
        }

        return new AgentFiles(conversations, present, unknown);
    }

    protected override AgentFiles See(ObservationNeeds needs, CancellationToken cancellationToken) =>
        Observe(needs.Request(Key), cancellationToken);

    public ClaudeProbeResult Probe(ArtifactRequest request, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var pass = new Pass(this, cancellationToken);
            var byCwd = new Dictionary<string, ClaudeProjectListing>(StringComparer.Ordinal);
            foreach (var cwd in request.Cwds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                byCwd[cwd] = pass.ListCwd(cwd);
            }

            var presence = new Dictionary<string, ArtifactPresence>(StringComparer.Ordinal);
            if (request.Ids.Count > 0)
            {
                pass.FindSessions(request.Ids, presence);
            }

            known = pass.Listed;
            return new ClaudeProbeResult(byCwd, presence);
        }
    }
}

/// <summary>What <see cref="ClaudeTranscriptProbe"/> found in one pass.</summary>
internal sealed record ClaudeProbeResult(
    IReadOnlyDictionary<string, ClaudeProjectListing> TranscriptsByCwd,
    IReadOnlyDictionary<string, ArtifactPresence> SessionPresence);

/// <summary>The Claude transcripts of one working directory.</summary>
/// <param name="Presence">Whether the project folder could be listed (<see cref="ArtifactPresence.Missing"/>: no folder).</param>
/// <param name="Transcripts">The transcripts whose recorded <c>cwd</c> matches (or that record none), newest first.</param>
internal sealed record ClaudeProjectListing(ArtifactPresence Presence, IReadOnlyList<ClaudeTranscript> Transcripts);

/// <summary>One Claude Code transcript file.</summary>
/// <param name="SessionId">The session id (the file name without <c>.jsonl</c>).</param>
/// <param name="Path">The file's full path.</param>
/// <param name="LastWrite">The file's modification time.</param>
/// <param name="RecordedCwd">The <c>cwd</c> of the first record that carries one within the bounded head, or <see langword="null"/>.</param>
/// <param name="RecordedSessionId">The <c>sessionId</c> of the first record that carries one within the bounded head, or <see langword="null"/>.</param>
internal sealed record ClaudeTranscript(
    string SessionId,
    string Path,
    DateTimeOffset LastWrite,
    string? RecordedCwd,
    string? RecordedSessionId);
