namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// The parsed <c>*.json</c> files of one folder, kept between passes, in listing order. Writers rename into
/// the folder, which changes its mtime: while that stands, nothing was written and the last listing holds
/// (one stat a pass), unless it is older than <paramref name="relist"/> (a file rewritten in place does not
/// change the folder). Else one listing; a file is parsed again only when its time or length changed. An
/// absent or unreadable folder has no files.
/// </summary>
internal sealed class JsonFolder<T>(string directory, Func<FileInfo, T?> read, TimeSpan relist)
    where T : class
{
    private (DateTime Stamp, DateTimeOffset At, List<T> Items)? listing;
    private Dictionary<string, (DateTime Written, long Length, T? Item)> files = new(StringComparer.Ordinal);

    public List<T> Read(DateTimeOffset now)
    {
        DateTime stamp;
        try
        {
            stamp = Directory.GetLastWriteTimeUtc(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        // A folder mtime proves "nothing changed" only once it is older than the file system's timestamp
        // granularity: two writes within one tick would otherwise look like one.
        if (listing is { } last && last.Stamp == stamp && now.UtcDateTime - stamp > TimeSpan.FromSeconds(2) && now - last.At < relist)
        {
            return last.Items;
        }

        var items = new List<T>();
        var seen = new Dictionary<string, (DateTime Written, long Length, T? Item)>(StringComparer.Ordinal);
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*.json"))
            {
                if (!files.TryGetValue(file.Name, out var cached) || cached.Written != file.LastWriteTimeUtc || cached.Length != file.Length)
                {
                    cached = (file.LastWriteTimeUtc, file.Length, read(file));
                }

                seen[file.Name] = cached;
                if (cached.Item is { } item)
                {
                    items.Add(item);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No folder (nothing installed yet) or unreadable: no evidence from it.
        }

        files = seen;
        listing = (stamp, now, items);
        return items;
    }
}
