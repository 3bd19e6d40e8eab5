using System.IO.Abstractions;
using System.IO.Enumeration;
using System.Text;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// Finds Claude Code transcripts: <c>projects/&lt;key&gt;/*.jsonl</c> for each working directory
/// (confirmed by the <c>cwd</c> recorded inside), and whether session ids have a transcript.
/// Each project folder is listed at most once per pass; heads are read bounded and remembered
/// across passes while the file only grows (transcripts are append-only).
/// </summary>
internal sealed class ClaudeTranscriptProbe
{
    private const string Extension = ".jsonl";

    private static readonly EnumerationOptions DirectOptions = new()
    {
        // What IDirectoryInfo.EnumerateFiles("*.jsonl") does: nothing skipped, errors thrown.
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private readonly ProbeSettings settings;
    private readonly IFileSystem fs;
    private readonly Lock gate = new();
    private Dictionary<string, FolderSnapshot> known = new(StringComparer.Ordinal);

    public ClaudeTranscriptProbe(ProbeSettings settings)
    {
        this.settings = settings;
        fs = settings.FileSystem;

        // The real file system is listed with FileSystemEnumerable: the name, length and mtime of
        // each entry come from the one lstat the enumerator does, with no FileInfo or wrapper per
        // file. Any other IFileSystem (a mock, a decorator) goes through the abstraction.
        UsesDirectEnumeration = fs.GetType() == typeof(FileSystem);
    }

    public string ProjectsDirectory => fs.Path.Combine(settings.ClaudeConfigDirectory, "projects");

    /// <summary>Gets a value indicating whether folders are listed directly rather than through <see cref="IFileSystem"/>.</summary>
    internal bool UsesDirectEnumeration { get; }

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
            if (request.ClaudeSessionIds.Count > 0)
            {
                pass.FindSessions(request.ClaudeSessionIds, presence);
            }

            known = pass.Listed;
            return new ClaudeProbeResult(byCwd, presence);
        }
    }

    /// <summary>
    /// One transcript file as listed in a pass. An entry whose length and mtime did not change is
    /// carried over to the next pass as is, with its head and its <see cref="ClaudeTranscript"/>.
    /// </summary>
    private sealed class FileEntry
    {
        public FileEntry(string name, string path, long length, DateTime lastWriteUtc)
        {
            Name = name;
            Path = path;
            Length = length;
            LastWriteUtc = lastWriteUtc;
        }

        public string Name { get; }

        public string Path { get; }

        /// <summary>Gets the length, or -1 when it could not be read (gone, dangling link).</summary>
        public long Length { get; }

        public DateTime LastWriteUtc { get; }

        /// <summary>Gets or sets the head last read from this file (in this or an earlier pass), if any.</summary>
        public TranscriptHead? KnownHead { get; set; }

        public long KnownHeadLength { get; set; }

        public DateTime KnownHeadWrite { get; set; }

        /// <summary>Gets or sets the description built from this entry, once described.</summary>
        public ClaudeTranscript? Transcript { get; set; }

        /// <summary>The same file, changed since <paramref name="previous"/> was listed: its head may still answer.</summary>
        public static FileEntry Changed(FileEntry previous, long length, DateTime lastWriteUtc) =>
            new(previous.Name, previous.Path, length, lastWriteUtc)
            {
                KnownHead = previous.KnownHead,
                KnownHeadLength = previous.KnownHeadLength,
                KnownHeadWrite = previous.KnownHeadWrite,
            };
    }

    /// <summary>The transcript files of a project folder, in listing order.</summary>
    private sealed class FolderSnapshot
    {
        private Dictionary<string, FileEntry>? byName;
        private FileEntry[]? newestFirst;

        public FolderSnapshot(FileEntry[] entries)
        {
            Entries = entries;
        }

        public static FolderSnapshot Empty { get; } = new([]);

        public FileEntry[] Entries { get; }

        /// <summary>
        /// Takes over the order of <paramref name="previous"/> when this listing holds exactly its
        /// entries (same files, each with the same length and mtime): nothing to sort again.
        /// </summary>
        public FolderSnapshot InheritOrder(FolderSnapshot previous, int reused)
        {
            if (reused == Entries.Length && reused == previous.Entries.Length)
            {
                newestFirst = previous.newestFirst;
            }

            return this;
        }

        /// <summary>The entries newest first (mtime descending, then session id ordinal), sorted once per change.</summary>
        public FileEntry[] NewestFirst()
        {
            if (newestFirst is null && Entries.Length > 0)
            {
                var sorted = (FileEntry[])Entries.Clone();
                Array.Sort(sorted, static (a, b) =>
                {
                    var byTime = b.LastWriteUtc.CompareTo(a.LastWriteUtc);
                    return byTime != 0
                        ? byTime
                        : a.Name.AsSpan(0, a.Name.Length - Extension.Length).SequenceCompareTo(b.Name.AsSpan(0, b.Name.Length - Extension.Length));
                });
                newestFirst = sorted;
            }

            return newestFirst ?? Entries;
        }

        /// <summary>
        /// The entry of this file from the previous pass, reused when its length and mtime did not
        /// change; a changed entry keeping the known head; or <see langword="null"/> for a new file.
        /// A listing of an unchanged folder comes back in the same order, so the entry at the same
        /// index is tried before the name index.
        /// </summary>
        public FileEntry? Match(ReadOnlySpan<char> name, int index, long length, DateTime lastWriteUtc, out bool unchanged)
        {
            unchanged = false;
            FileEntry? previous = null;
            if ((uint)index < (uint)Entries.Length && name.SequenceEqual(Entries[index].Name))
            {
                previous = Entries[index];
            }
            else
            {
                byName ??= BuildIndex();
                byName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out previous);
            }

            if (previous is null)
            {
                return null;
            }

            unchanged = previous.Length == length && previous.LastWriteUtc == lastWriteUtc;
            return unchanged ? previous : FileEntry.Changed(previous, length, lastWriteUtc);
        }

        private Dictionary<string, FileEntry> BuildIndex()
        {
            var index = new Dictionary<string, FileEntry>(Entries.Length, StringComparer.Ordinal);
            foreach (var entry in Entries)
            {
                index[entry.Name] = entry;
            }

            return index;
        }
    }

    /// <summary>A listed project folder: its transcript files, or none when it is missing or could not be read.</summary>
    private sealed record Folder(ArtifactPresence Presence, FolderSnapshot Snapshot);

    /// <summary>State of one pass: every folder listed once, every real path resolved once.</summary>
    private sealed class Pass
    {
        private readonly ClaudeTranscriptProbe owner;
        private readonly CancellationToken cancellationToken;
        private readonly Dictionary<string, Folder> folders = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> realPaths = new(StringComparer.Ordinal);
        private (ArtifactPresence Presence, IReadOnlyList<string> Names)? projects;

        public Pass(ClaudeTranscriptProbe owner, CancellationToken cancellationToken)
        {
            this.owner = owner;
            this.cancellationToken = cancellationToken;
        }

        /// <summary>Gets the folders listed in this pass: what the next pass compares against.</summary>
        public Dictionary<string, FolderSnapshot> Listed { get; } = new(StringComparer.Ordinal);

        private IFileSystem Fs => owner.fs;

        public ClaudeProjectListing ListCwd(string cwd)
        {
            var real = Normalize(cwd);
            var key = ClaudeProjectKey.Compute(real);
            if (key.Length == 0)
            {
                return new ClaudeProjectListing(ArtifactPresence.Missing, []);
            }

            var folderNames = new List<string>();
            if (ClaudeProjectKey.IsHashed(key))
            {
                var (presence, names) = ListProjects();
                if (presence != ArtifactPresence.Present)
                {
                    return new ClaudeProjectListing(presence, []);
                }

                var prefix = ClaudeProjectKey.FolderPrefix(key);
                folderNames.AddRange(names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)));
            }
            else
            {
                folderNames.Add(key);
            }

            var overall = ArtifactPresence.Missing;
            var transcripts = new List<ClaudeTranscript>();
            var listedFolders = 0;
            foreach (var name in folderNames)
            {
                var folder = GetFolder(name);
                if (folder.Presence == ArtifactPresence.Unknown)
                {
                    // A folder we could not read may hold this cwd's transcripts: say so.
                    return new ClaudeProjectListing(ArtifactPresence.Unknown, []);
                }

                if (folder.Presence == ArtifactPresence.Missing)
                {
                    continue;
                }

                overall = ArtifactPresence.Present;
                listedFolders++;
                foreach (var file in folder.Snapshot.NewestFirst())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var transcript = Describe(file);
                    if (transcript is null)
                    {
                        continue;
                    }

                    if (transcript.RecordedCwd is null || CwdMatches(transcript.RecordedCwd, cwd, real))
                    {
                        transcripts.Add(transcript);
                    }
                }
            }

            if (listedFolders > 1)
            {
                // One folder's transcripts come newest first already; several (hashed keys) are merged.
                transcripts.Sort(static (a, b) =>
                {
                    var byTime = b.LastWrite.CompareTo(a.LastWrite);
                    return byTime != 0 ? byTime : string.CompareOrdinal(a.SessionId, b.SessionId);
                });
            }

            return new ClaudeProjectListing(overall, transcripts);
        }

        public void FindSessions(ICollection<string> ids, Dictionary<string, ArtifactPresence> presence)
        {
            var (projectsPresence, names) = ListProjects();
            foreach (var id in ids)
            {
                presence[id] = projectsPresence == ArtifactPresence.Unknown ? ArtifactPresence.Unknown : ArtifactPresence.Missing;
            }

            if (projectsPresence != ArtifactPresence.Present)
            {
                return;
            }

            var wanted = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var id in ids)
            {
                if (IsPlainFileName(id))
                {
                    wanted[id + Extension] = id;
                }
            }

            var anyUnreadable = false;
            foreach (var name in names)
            {
                if (wanted.Count == 0)
                {
                    break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                var folder = GetFolder(name);
                if (folder.Presence == ArtifactPresence.Unknown)
                {
                    anyUnreadable = true;
                    continue;
                }

                foreach (var file in folder.Snapshot.Entries)
                {
                    if (wanted.Remove(file.Name, out var id))
                    {
                        presence[id] = ArtifactPresence.Present;
                    }
                }
            }

            if (anyUnreadable)
            {
                foreach (var id in wanted.Values)
                {
                    presence[id] = ArtifactPresence.Unknown;
                }
            }
        }

        private static bool IsPlainFileName(string id) =>
            id.Length > 0 && id != "." && id != ".." && id.IndexOfAny(['/', '\\', '\0']) < 0;

        private (ArtifactPresence Presence, IReadOnlyList<string> Names) ListProjects()
        {
            if (projects is { } known)
            {
                return known;
            }

            var dir = owner.ProjectsDirectory;
            try
            {
                if (!Fs.Directory.Exists(dir))
                {
                    projects = (ArtifactPresence.Missing, []);
                }
                else
                {
                    var names = new List<string>();
                    foreach (var d in Fs.DirectoryInfo.New(dir).EnumerateDirectories())
                    {
                        names.Add(d.Name);
                    }

                    names.Sort(StringComparer.Ordinal);
                    projects = (ArtifactPresence.Present, names);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                projects = (ArtifactPresence.Unknown, []);
            }

            return projects.Value;
        }

        private Folder GetFolder(string name)
        {
            if (folders.TryGetValue(name, out var folder))
            {
                return folder;
            }

            var path = Fs.Path.Combine(owner.ProjectsDirectory, name);
            var previous = owner.known.GetValueOrDefault(name) ?? FolderSnapshot.Empty;
            try
            {
                if (!Fs.Directory.Exists(path))
                {
                    folder = new Folder(ArtifactPresence.Missing, FolderSnapshot.Empty);
                }
                else
                {
                    var snapshot = owner.UsesDirectEnumeration ? ListDirect(path, previous) : ListThroughAbstraction(Fs, path, previous);
                    folder = new Folder(ArtifactPresence.Present, snapshot);
                    Listed[name] = snapshot;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                folder = new Folder(ArtifactPresence.Unknown, FolderSnapshot.Empty);
            }

            folders[name] = folder;
            return folder;
        }

        /// <summary>The real file system: one getdents pass and one lstat per transcript, nothing else.</summary>
        private static FolderSnapshot ListDirect(string path, FolderSnapshot previous)
        {
            var index = 0;
            var reused = 0;
            var listing = new FileSystemEnumerable<FileEntry>(
                path,
                (ref FileSystemEntry entry) =>
                {
                    // Length and mtime come from the entry's single (l)stat; a link is followed. A
                    // file gone since the listing reads as length 0 at the epoch: it is tried, and
                    // skipped when its head cannot be opened.
                    var length = entry.Length;
                    var lastWrite = entry.LastWriteTimeUtc.UtcDateTime;
                    var match = previous.Match(entry.FileName, index++, length, lastWrite, out var unchanged);
                    reused += unchanged ? 1 : 0;
                    return match ?? new FileEntry(entry.FileName.ToString(), entry.ToFullPath(), length, lastWrite);
                },
                DirectOptions)
            {
                ShouldIncludePredicate = static (ref FileSystemEntry entry) =>
                    !entry.IsDirectory && entry.FileName.EndsWith(Extension, StringComparison.Ordinal),
            };
            return new FolderSnapshot([.. listing]).InheritOrder(previous, reused);
        }

        private static FolderSnapshot ListThroughAbstraction(IFileSystem fs, string path, FolderSnapshot previous)
        {
            var index = 0;
            var reused = 0;
            var entries = new List<FileEntry>();
            foreach (var file in fs.DirectoryInfo.New(path).EnumerateFiles("*" + Extension))
            {
                long length;
                DateTime lastWrite;
                try
                {
                    length = file.Exists ? file.Length : -1;
                    lastWrite = file.Exists ? file.LastWriteTimeUtc : default;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    (length, lastWrite) = (-1, default);
                }

                entries.Add(previous.Match(file.Name, index++, length, lastWrite, out var unchanged)
                    ?? new FileEntry(file.Name, file.FullName, length, lastWrite));
                reused += unchanged ? 1 : 0;
            }

            return new FolderSnapshot([.. entries]).InheritOrder(previous, reused);
        }

        private ClaudeTranscript? Describe(FileEntry file)
        {
            if (file.Transcript is { } known)
            {
                return known; // Same length and mtime as when it was described.
            }

            if (file.Length < 0)
            {
                return null; // Gone since the listing, or a dangling link: tried again next pass.
            }

            TranscriptHead head;
            if (file.KnownHead is { } cached
                && ((file.KnownHeadLength == file.Length && file.KnownHeadWrite == file.LastWriteUtc)
                    || (cached.IsComplete && file.Length >= file.KnownHeadLength)))
            {
                // Transcripts are append-only: a complete head stays true while the file grows.
                head = cached;
            }
            else
            {
                try
                {
                    head = TranscriptHead.Read(Fs, file.Path, owner.settings.TranscriptHeadBytes);
                }
                catch (FileNotFoundException)
                {
                    return null; // Deleted since the listing, or a dangling link: tried again next pass.
                }
                catch (DirectoryNotFoundException)
                {
                    return null;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // It exists but cannot be read: keep it, unconfirmed.
                    head = default;
                }
            }

            file.KnownHead = head;
            file.KnownHeadLength = file.Length;
            file.KnownHeadWrite = file.LastWriteUtc;
            var sessionId = file.Name[..^Extension.Length];
            file.Transcript = new ClaudeTranscript(
                sessionId,
                file.Path,
                new DateTimeOffset(DateTime.SpecifyKind(file.LastWriteUtc, DateTimeKind.Utc)),
                head.Cwd,
                head.SessionId);
            return file.Transcript;
        }

        private bool CwdMatches(string recorded, string requested, string requestedReal)
        {
            if (string.Equals(recorded, requested, StringComparison.Ordinal))
            {
                return true;
            }

            return string.Equals(Normalize(recorded), requestedReal, StringComparison.Ordinal);
        }

        /// <summary>The real path in NFC, computed once per pass.</summary>
        private string Normalize(string path)
        {
            if (realPaths.TryGetValue(path, out var real))
            {
                return real;
            }

            real = RealPath.Resolve(Fs, path);
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
