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
/// <param name="settings">Where to look.</param>
/// <param name="timeProvider">
/// The clock compared with the folders' mtimes (tests only); the system clock by default, as
/// the file system stamps files with it (a host's fake clock is not passed on).
/// </param>
internal sealed partial class ClaudeTranscriptProbe(ProbeSettings settings, TimeProvider? timeProvider = null) : LiveSource<AgentFiles>(LiveKeys.Claude)
{
    /// <summary>The longest a folder's listing is kept: an append to a transcript is seen this late at most.</summary>
    public static readonly TimeSpan MaxListingAge = TimeSpan.FromMinutes(10);

    private const string Extension = ".jsonl";

    private readonly ProbeSettings settings = settings;
    private readonly IFileSystem fs = settings.FileSystem;
    private readonly TimeProvider time = timeProvider ?? TimeProvider.System;
    private readonly Lock gate = new();
    private Dictionary<string, FolderSnapshot> known = new(StringComparer.Ordinal);
    private Dictionary<string, CwdAnswer> answers = new(StringComparer.Ordinal);
    private Observed? lastObserved;

    public string ProjectsDirectory { get; } = settings.FileSystem.Path.Combine(settings.ClaudeConfigDirectory, "projects");

    /// <summary>
    /// Gets a value indicating whether folders are listed directly rather than through <see cref="IFileSystem"/>.
    /// The real file system is listed with FileSystemEnumerable: the name, length and mtime of each entry come
    /// from the one lstat the enumerator does, with no FileInfo or wrapper per file. Any other IFileSystem
    /// (a mock, a decorator) goes through the abstraction.
    /// </summary>
    internal bool UsesDirectEnumeration { get; } = settings.FileSystem.GetType() == typeof(FileSystem);

    /// <summary>Gets how many times a project folder was listed in full (what a quiet pass avoids).</summary>
    internal int FolderListings { get; private set; }

    /// <summary>
    /// The transcripts confirmed for each requested directory (their recorded <c>cwd</c> is the
    /// directory, their recorded <c>sessionId</c> their name) and the presence of each requested id;
    /// unknown when Claude's config folder does not exist at all (a wrong <c>HOME</c>?). A pass
    /// where no folder it looked at changed, for the same directories, answers last pass's object.
    /// </summary>
    public AgentFiles Observe(ArtifactRequest request, CancellationToken cancellationToken)
    {
        if (!fs.Directory.Exists(settings.ClaudeConfigDirectory))
        {
            return AgentFiles.Unknown($"Claude's config folder {settings.ClaudeConfigDirectory} does not exist (is HOME or CLAUDE_CONFIG_DIR right?)");
        }

        lock (gate)
        {
            var (byCwd, presence) = Run(request, cancellationToken);
            if (lastObserved is { } last && last.Answers.Count == byCwd.Count && SamePresence(last.Presence, presence)
                && byCwd.All(p => last.Answers.TryGetValue(p.Key, out var a) && ReferenceEquals(a, p.Value)))
            {
                return last.Files; // Nothing it was built from changed.
            }

            var conversations = new Dictionary<string, IReadOnlyList<AgentConversation>>(byCwd.Count, StringComparer.Ordinal);
            foreach (var (cwd, answer) in byCwd)
            {
                var confirmed = answer.Confirmed(cwd);
                if (confirmed.Count == 0)
                {
                    continue;
                }

                var key = AgentFiles.NormalizePath(cwd);
                if (conversations.TryGetValue(key, out var other))
                {
                    // Two spellings of one directory ("/a" and "/a/"): one list, as the public constructor makes.
                    confirmed = other.Concat(confirmed).Order(Comparer<AgentConversation>.Create(AgentFiles.NewestFirst)).ToList().AsReadOnly();
                }

                conversations[key] = confirmed;
            }

            var files = new AgentFiles(
                conversations,
                presence.Where(p => p.Value == ArtifactPresence.Present).Select(p => p.Key),
                presence.Where(p => p.Value == ArtifactPresence.Unknown).Select(p => p.Key));
            lastObserved = new Observed(byCwd, presence, files);
            return files;
        }
    }

    protected override AgentFiles See(ObservationNeeds needs, CancellationToken cancellationToken) =>
        Observe(needs.Request(Key), cancellationToken);

    public ClaudeProbeResult Probe(ArtifactRequest request, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var (byCwd, presence) = Run(request, cancellationToken);
            return new ClaudeProbeResult(byCwd.ToDictionary(p => p.Key, p => p.Value.Listing, StringComparer.Ordinal), presence);
        }
    }

    private static bool SamePresence(Dictionary<string, ArtifactPresence> a, Dictionary<string, ArtifactPresence> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    /// <summary>One pass, under the gate: each cwd's answer (last pass's when its folders did not change) and each id's presence.</summary>
    private (Dictionary<string, CwdAnswer> ByCwd, Dictionary<string, ArtifactPresence> Presence) Run(ArtifactRequest request, CancellationToken cancellationToken)
    {
        ForgetOldRealPaths();
        var pass = new Pass(this, cancellationToken);
        var byCwd = new Dictionary<string, CwdAnswer>(request.Cwds.Count, StringComparer.Ordinal);
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
        answers = byCwd;
        return (byCwd, presence);
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
