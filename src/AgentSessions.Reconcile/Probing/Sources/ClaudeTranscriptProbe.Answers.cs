using System.Text;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// What a quiet pass reuses from the last: each cwd's answer while the folders it was built from
/// did not change, the whole <see cref="AgentFiles"/> while no cwd's answer and no id's presence
/// did, and each path's real path for up to <see cref="MaxListingAge"/>.
/// </summary>
internal sealed partial class ClaudeTranscriptProbe
{
    private readonly Dictionary<string, string> realPaths = new(StringComparer.Ordinal);

    // The folders on this pass's paths, resolved once: rows share their parents (RealPath's folders).
    private readonly Dictionary<string, (string Real, int Links)> realFolders = new(StringComparer.Ordinal);
    private DateTime realPathsSince = DateTime.MinValue;

    /// <summary>Gets how many real paths were resolved (what a quiet pass avoids).</summary>
    internal int RealPathResolutions { get; private set; }

    /// <summary>
    /// The real path in NFC of a cwd (requested or recorded in a transcript), resolved once per
    /// <see cref="MaxListingAge"/>: a link re-pointed meanwhile is seen that late at most.
    /// </summary>
    private string RealPathOf(string path)
    {
        if (realPaths.TryGetValue(path, out var real))
        {
            return real;
        }

        RealPathResolutions++;
        real = RealPath.Resolve(fs, path, realFolders);
        try
        {
            real = real.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
        }

        realPaths[path] = real;
        return real;
    }

    /// <summary>
    /// Every <see cref="MaxListingAge"/>, forgets the real paths and, as the answers were matched
    /// with them, the answers: that pass resolves and builds everything again.
    /// </summary>
    private void ForgetOldRealPaths()
    {
        realFolders.Clear();
        var now = time.GetUtcNow().UtcDateTime;
        if (now - realPathsSince >= MaxListingAge || now < realPathsSince)
        {
            realPaths.Clear();
            answers = new(StringComparer.Ordinal);
            realPathsSince = now;
        }
    }

    /// <summary>
    /// One cwd's answer, reused by the next pass when it finds the same folders (the same presence
    /// and the same <see cref="FolderSnapshot"/> objects: none listed again, no undecided file changed).
    /// </summary>
    /// <param name="folders">The folders it was built from, or <see langword="null"/> when it is not to be reused.</param>
    /// <param name="listing">The transcripts of the cwd.</param>
    private sealed class CwdAnswer(Folder[]? folders, ClaudeProjectListing listing)
    {
        private IReadOnlyList<AgentConversation>? confirmed;

        public Folder[]? Folders { get; } = folders;

        public ClaudeProjectListing Listing { get; } = listing;

        /// <summary>Whether this answer was built from exactly these folders (a record: the same presence, the same snapshot object).</summary>
        public bool BuiltFrom(Folder[] folders) => Folders is not null && Folders.SequenceEqual(folders);

        /// <summary>
        /// The conversations of <paramref name="cwd"/> (this answer's): transcripts that record it
        /// (up to a trailing <c>/</c>) and their own name as <c>sessionId</c> (or none), newest first
        /// (the listing's order, which is that of <see cref="AgentFiles.In"/>).
        /// </summary>
        public IReadOnlyList<AgentConversation> Confirmed(string cwd) => confirmed ??= Listing.Transcripts.Count == 0 ? [] : Listing.Transcripts
            .Where(t => t.RecordedCwd is { } recorded
                && string.Equals(AgentFiles.NormalizePath(recorded), AgentFiles.NormalizePath(cwd), StringComparison.Ordinal)
                && (t.RecordedSessionId is null || string.Equals(t.RecordedSessionId, t.SessionId, StringComparison.Ordinal)))
            .Select(t => new AgentConversation(t.SessionId, cwd, t.LastWrite))
            .ToList().AsReadOnly();
    }

    /// <summary>The last <see cref="Observe"/>: answered again while nothing it was built from changed.</summary>
    private sealed record Observed(Dictionary<string, CwdAnswer> Answers, Dictionary<string, ArtifactPresence> Presence, AgentFiles Files);
}
