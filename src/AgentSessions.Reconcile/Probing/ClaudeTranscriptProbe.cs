using System.IO.Abstractions;
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
    private readonly ProbeSettings settings;
    private readonly IFileSystem fs;
    private readonly Lock gate = new();
    private Dictionary<string, CachedHead> heads = new(StringComparer.Ordinal);

    public ClaudeTranscriptProbe(ProbeSettings settings)
    {
        this.settings = settings;
        fs = settings.FileSystem;
    }

    public string ProjectsDirectory => fs.Path.Combine(settings.ClaudeConfigDirectory, "projects");

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

            heads = pass.SeenHeads;
            return new ClaudeProbeResult(byCwd, presence);
        }
    }

    private sealed record CachedHead(long Length, DateTime LastWriteUtc, TranscriptHead Head);

    /// <summary>A listed project folder: its transcript files, or <see langword="null"/> when it could not be read.</summary>
    private sealed record Folder(ArtifactPresence Presence, IReadOnlyList<IFileInfo> Files);

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

        public Dictionary<string, CachedHead> SeenHeads { get; } = new(StringComparer.Ordinal);

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
                foreach (var file in folder.Files)
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

            transcripts.Sort(static (a, b) =>
            {
                var byTime = b.LastWrite.CompareTo(a.LastWrite);
                return byTime != 0 ? byTime : string.CompareOrdinal(a.SessionId, b.SessionId);
            });
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
                    wanted[id + ".jsonl"] = id;
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

                foreach (var file in folder.Files)
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
            try
            {
                var info = Fs.DirectoryInfo.New(path);
                if (!info.Exists)
                {
                    folder = new Folder(ArtifactPresence.Missing, []);
                }
                else
                {
                    folder = new Folder(ArtifactPresence.Present, [.. info.EnumerateFiles("*.jsonl")]);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                folder = new Folder(ArtifactPresence.Unknown, []);
            }

            folders[name] = folder;
            return folder;
        }

        private ClaudeTranscript? Describe(IFileInfo file)
        {
            var path = file.FullName;
            long length;
            DateTime lastWrite;
            try
            {
                if (!file.Exists)
                {
                    return null; // Gone since the listing, or a dangling link.
                }

                length = file.Length;
                lastWrite = file.LastWriteTimeUtc;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            TranscriptHead head;
            if (owner.heads.TryGetValue(path, out var cached)
                && ((cached.Length == length && cached.LastWriteUtc == lastWrite)
                    || (cached.Head.IsComplete && length >= cached.Length)))
            {
                head = cached.Head;
            }
            else
            {
                try
                {
                    head = TranscriptHead.Read(Fs, path, owner.settings.TranscriptHeadBytes);
                }
                catch (FileNotFoundException)
                {
                    return null; // Deleted since the listing, or a dangling link.
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

            SeenHeads[path] = new CachedHead(length, lastWrite, head);
            var sessionId = file.Name[..^".jsonl".Length];
            return new ClaudeTranscript(
                sessionId,
                path,
                new DateTimeOffset(DateTime.SpecifyKind(lastWrite, DateTimeKind.Utc)),
                head.Cwd,
                head.SessionId);
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
