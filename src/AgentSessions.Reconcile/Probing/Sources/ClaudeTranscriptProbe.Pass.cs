using System.IO.Abstractions;

namespace AgentSessions.Reconcile.Probing;

/// <summary>One pass of the Claude probe: each project folder listed once, each head read bounded.</summary>
internal sealed partial class ClaudeTranscriptProbe
{
    /// <summary>A listed project folder: its transcript files, or none when it is missing or could not be read.</summary>
    private sealed record Folder(ArtifactPresence Presence, FolderSnapshot Snapshot);

    /// <summary>State of one pass: every folder stat'ed (and listed) at most once.</summary>
    private sealed class Pass(ClaudeTranscriptProbe owner, CancellationToken cancellationToken)
    {
        private readonly Dictionary<string, Folder> folders = new(StringComparer.Ordinal);
        private (ArtifactPresence Presence, IReadOnlyList<string> Names)? projects;

        /// <summary>Gets the folders listed in this pass: what the next pass compares against.</summary>
        public Dictionary<string, FolderSnapshot> Listed { get; } = new(StringComparer.Ordinal);

        private IFileSystem Fs => owner.fs;

        /// <summary>The cwd's answer: last pass's when it finds the same folders, else built from them.</summary>
        public CwdAnswer ListCwd(string cwd)
        {
            var real = owner.RealPathOf(cwd);
            var key = ClaudeProjectKey.Compute(real);
            if (key.Length == 0)
            {
                return new CwdAnswer(null, new ClaudeProjectListing(ArtifactPresence.Missing, []));
            }

            Folder[] folders;
            if (ClaudeProjectKey.IsHashed(key))
            {
                var (presence, names) = ListProjects();
                if (presence != ArtifactPresence.Present)
                {
                    return new CwdAnswer(null, new ClaudeProjectListing(presence, []));
                }

                var prefix = ClaudeProjectKey.FolderPrefix(key);
                folders = [.. names.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Select(GetFolder)];
            }
            else
            {
                folders = [GetFolder(key)];
            }

            if (owner.answers.TryGetValue(cwd, out var previous) && previous.BuiltFrom(folders))
            {
                return previous;
            }

            if (folders.Any(f => f.Presence == ArtifactPresence.Unknown))
            {
                // A folder we could not read may hold this cwd's transcripts: say so.
                return new CwdAnswer(folders, new ClaudeProjectListing(ArtifactPresence.Unknown, []));
            }

            var overall = ArtifactPresence.Missing;
            var transcripts = new List<ClaudeTranscript>();
            var listedFolders = 0;
            var settled = true;
            foreach (var folder in folders)
            {
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
                        // Gone or dangling: a file listed with a length may be back by the next pass.
                        settled &= file.Length < 0;
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
                transcripts = [.. transcripts.OrderByDescending(t => t.LastWrite).ThenBy(t => t.SessionId, StringComparer.Ordinal)];
            }

            return new CwdAnswer(settled ? folders : null, new ClaudeProjectListing(overall, transcripts));
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

            // Each file's name is looked up in the presence as a span: no "<id>.jsonl" string per id.
            var byFileName = presence.GetAlternateLookup<ReadOnlySpan<char>>();
            var unfound = presence.Keys.Count(IsPlainFileName);
            var anyUnreadable = false;
            foreach (var name in names)
            {
                if (unfound == 0)
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
                    var id = file.Name.AsSpan();
                    if (id.EndsWith(Extension, StringComparison.Ordinal) && IsPlainFileName(id = id[..^Extension.Length])
                        && byFileName.TryGetValue(id, out var seen) && seen == ArtifactPresence.Missing)
                    {
                        byFileName[id] = ArtifactPresence.Present;
                        unfound--;
                    }
                }
            }

            if (anyUnreadable)
            {
                foreach (var id in ids)
                {
                    if (IsPlainFileName(id) && presence[id] == ArtifactPresence.Missing)
                    {
                        presence[id] = ArtifactPresence.Unknown;
                    }
                }
            }
        }

        private static bool IsPlainFileName(string id) => IsPlainFileName(id.AsSpan());

        private static bool IsPlainFileName(ReadOnlySpan<char> id) =>
            id.Length > 0 && id is not "." and not ".." && id.IndexOfAny(['/', '\\', '\0']) < 0;

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
                    projects = (ArtifactPresence.Present, [.. Fs.DirectoryInfo.New(dir).EnumerateDirectories().Select(d => d.Name).Order(StringComparer.Ordinal)]);
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
            var previous = owner.known.GetValueOrDefault(name);
            try
            {
                // One stat: whether the folder exists, and its mtime.
                var directory = Fs.DirectoryInfo.New(path);
                if (!directory.Exists)
                {
                    folder = new Folder(ArtifactPresence.Missing, FolderSnapshot.Empty);
                }
                else
                {
                    // A link's own mtime says nothing of the folder it points to: listed every pass.
                    DateTime? folderWrite = (directory.Attributes & FileAttributes.ReparsePoint) == 0 ? directory.LastWriteTimeUtc : null;
                    var now = owner.time.GetUtcNow().UtcDateTime;
                    var snapshot = previous is not null && folderWrite is { } write && previous.IsCurrent(write, now, MaxListingAge)
                        ? previous.Refresh(Fs)
                        : List(path, previous ?? FolderSnapshot.Empty, folderWrite, now);
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

        private FolderSnapshot List(string path, FolderSnapshot previous, DateTime? folderWrite, DateTime now)
        {
            owner.FolderListings++;
            var entries = owner.UsesDirectEnumeration
                ? FolderSnapshot.ListDirect(path, previous, out var reused)
                : FolderSnapshot.ListThroughAbstraction(Fs, path, previous, out reused);
            return new FolderSnapshot(entries) { FolderWriteUtc = folderWrite, ListedAtUtc = now }.InheritOrder(previous, reused);
        }

        private ClaudeTranscript? Describe(FileEntry file)
        {
            if (file.Transcript is { } known)
            {
                return known; // Same length and mtime as when it was described.
            }

            file.Tried = true;

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
                catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
                {
                    return null; // Deleted since the listing, or a dangling link: tried again next pass.
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

        private bool CwdMatches(string recorded, string requested, string requestedReal) =>
            string.Equals(recorded, requested, StringComparison.Ordinal)
            || string.Equals(owner.RealPathOf(recorded), requestedReal, StringComparison.Ordinal);
    }
}
