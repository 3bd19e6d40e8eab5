using System.Threading.Channels;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>
/// Wakes <c>status --watch</c> when a file changes in one of its folders (the registry's, the drift
/// state's): the file system says so, nothing polls. A folder that does not exist yet is watched at
/// its nearest existing parent (not recursively), which wakes when it is created; the caller then
/// watches again, from the folders as they are now.
/// </summary>
internal sealed class FolderChanges : IDisposable
{
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public FolderChanges(IEnumerable<string> folders)
    {
        foreach (var folder in folders.Distinct(StringComparer.Ordinal))
        {
            // Not recursive: a workspace's projects change all the time, and none of that is status.
            var watched = folder;
            while (!Directory.Exists(watched) && Path.GetDirectoryName(watched) is { } parent)
            {
                watched = parent;
            }

            var watcher = new FileSystemWatcher(watched)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.DirectoryName,
            };
            watcher.Changed += OnChange;
            watcher.Created += OnChange;
            watcher.Renamed += OnChange;
            watcher.Deleted += OnChange;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    /// <summary>Waits for the next change (a burst of changes is one).</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _changed.Reader.ReadAsync(cancellationToken).AsTask();

    public void Dispose() => _watchers.ForEach(watcher => watcher.Dispose());

    private void OnChange(object sender, FileSystemEventArgs e) => _changed.Writer.TryWrite(true);
}
