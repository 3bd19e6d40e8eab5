using System.IO.Abstractions;
using System.IO.Enumeration;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// One transcript file as listed in a pass. An entry whose length and mtime did not change is
/// carried over to the next pass as is, with its head and its <see cref="ClaudeTranscript"/>.
/// </summary>
internal sealed class FileEntry(string name, string path, long length, DateTime lastWriteUtc)
{
    public string Name { get; } = name;

    public string Path { get; } = path;

    /// <summary>Gets the length, or -1 when it could not be read (gone, dangling link).</summary>
    public long Length { get; } = length;

    public DateTime LastWriteUtc { get; } = lastWriteUtc;

    /// <summary>Gets or sets the head last read from this file (in this or an earlier pass), if any.</summary>
    public TranscriptHead? KnownHead { get; set; }

    public long KnownHeadLength { get; set; }

    public DateTime KnownHeadWrite { get; set; }

    /// <summary>Gets or sets the description built from this entry, once described.</summary>
    public ClaudeTranscript? Transcript { get; set; }

    /// <summary>Gets or sets a value indicating whether a pass tried to describe this file.</summary>
    public bool Tried { get; set; }

    /// <summary>
    /// Gets a value indicating whether a quiet pass stats this file again: a pass tried to describe
    /// it and its head did not give both the <c>cwd</c> and the <c>sessionId</c> (too short to
    /// decide, unreadable, gone or a dangling link).
    /// </summary>
    public bool Undecided => Tried && KnownHead is not { IsComplete: true };

    /// <summary>The same file, changed since <paramref name="previous"/> was listed: its head may still answer.</summary>
    public static FileEntry Changed(FileEntry previous, long length, DateTime lastWriteUtc) =>
        new(previous.Name, previous.Path, length, lastWriteUtc)
        {
            KnownHead = previous.KnownHead,
            KnownHeadLength = previous.KnownHeadLength,
            KnownHeadWrite = previous.KnownHeadWrite,
            Tried = previous.Tried,
        };
}

/// <summary>
/// The transcript files of a project folder, in listing order, with the folder's own mtime when it
/// was listed and when that was (the clock read just before the listing).
/// </summary>
internal sealed class FolderSnapshot(FileEntry[] entries)
{
    private const string Extension = ".jsonl";

    /// <summary>
    /// A folder whose mtime is this close to the listing time may have changed again within the
    /// same timestamp tick after it was listed (coarse file systems tick in 1 or 2 s): listed again.
    /// </summary>
    private static readonly TimeSpan SameTick = TimeSpan.FromSeconds(2);

    private static readonly EnumerationOptions DirectOptions = new()
    {
        // What IDirectoryInfo.EnumerateFiles("*.jsonl") does: nothing skipped, errors thrown.
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private Dictionary<string, FileEntry>? byName;
    private FileEntry[]? newestFirst;

    public static FolderSnapshot Empty { get; } = new([]);

    public FileEntry[] Entries { get; } = entries;

    /// <summary>Gets the folder's mtime read just before it was listed, or <see langword="null"/> when it is not to be trusted (a link).</summary>
    public DateTime? FolderWriteUtc { get; init; }

    /// <summary>Gets the time the folder was last listed in full.</summary>
    public DateTime ListedAtUtc { get; init; }

    /// <summary>
    /// Whether a folder now at <paramref name="folderWriteUtc"/> still holds exactly the files of
    /// this listing: its mtime (changed by every file created, removed or renamed in it) is the one
    /// read before the listing, that mtime was well before the listing (no second change in the same
    /// tick), and the listing is younger than <paramref name="maxAge"/>.
    /// </summary>
    public bool IsCurrent(DateTime folderWriteUtc, DateTime nowUtc, TimeSpan maxAge) =>
        FolderWriteUtc == folderWriteUtc
        && ListedAtUtc - folderWriteUtc > SameTick
        && nowUtc - ListedAtUtc < maxAge;

    /// <summary>
    /// This listing for a quiet pass: the same files, where only the <see cref="FileEntry.Undecided"/>
    /// ones are stat'ed again (one stat each) to see whether they grew.
    /// </summary>
    public FolderSnapshot Refresh(IFileSystem fs)
    {
        FileEntry[]? changed = null;
        for (var i = 0; i < Entries.Length; i++)
        {
            var entry = Entries[i];
            if (!entry.Undecided)
            {
                continue;
            }

            var (length, lastWrite) = Stat(fs.FileInfo.New(entry.Path));
            if (length != entry.Length || lastWrite != entry.LastWriteUtc)
            {
                changed ??= (FileEntry[])Entries.Clone();
                changed[i] = FileEntry.Changed(entry, length, lastWrite);
            }
        }

        return changed is null ? this : new FolderSnapshot(changed) { FolderWriteUtc = FolderWriteUtc, ListedAtUtc = ListedAtUtc };
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

    /// <summary>The real file system: one getdents pass and one lstat per transcript, nothing else.</summary>
    public static FileEntry[] ListDirect(string path, FolderSnapshot previous, out int reused)
    {
        var index = 0;
        var same = 0;
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
                same += unchanged ? 1 : 0;
                return match ?? new FileEntry(entry.FileName.ToString(), entry.ToFullPath(), length, lastWrite);
            },
            DirectOptions)
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) =>
                !entry.IsDirectory && entry.FileName.EndsWith(Extension, StringComparison.Ordinal),
        };
        FileEntry[] entries = [.. listing];
        reused = same;
        return entries;
    }

    /// <summary>Any other <see cref="IFileSystem"/>: the files and their length and mtime through the abstraction.</summary>
    public static FileEntry[] ListThroughAbstraction(IFileSystem fs, string path, FolderSnapshot previous, out int reused)
    {
        var index = 0;
        reused = 0;
        var entries = new List<FileEntry>();
        foreach (var file in fs.DirectoryInfo.New(path).EnumerateFiles("*" + Extension))
        {
            var (length, lastWrite) = Stat(file);
            entries.Add(previous.Match(file.Name, index++, length, lastWrite, out var unchanged)
                ?? new FileEntry(file.Name, file.FullName, length, lastWrite));
            reused += unchanged ? 1 : 0;
        }

        return [.. entries];
    }

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
            byName ??= Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
            byName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out previous);
        }

        if (previous is null)
        {
            return null;
        }

        unchanged = previous.Length == length && previous.LastWriteUtc == lastWriteUtc;
        return unchanged ? previous : FileEntry.Changed(previous, length, lastWriteUtc);
    }

    private static (long Length, DateTime LastWriteUtc) Stat(IFileInfo file)
    {
        try
        {
            return file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1, default);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (-1, default);
        }
    }
}
