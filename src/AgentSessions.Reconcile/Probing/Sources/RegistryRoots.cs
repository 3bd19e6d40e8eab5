using System.IO.Abstractions;

namespace AgentSessions.Reconcile.Probing;

/// <summary>Which workspace a directory lies in: the nearest folder at or above it with <c>.hermes/agent-sessions.yaml</c>.</summary>
internal sealed class RegistryRoots(IFileSystem fileSystem) : LiveSource<IReadOnlyDictionary<string, string>>(LiveKeys.RegistryRoots)
{
    public static IReadOnlyDictionary<string, string> Find(IFileSystem fs, IEnumerable<string> cwds)
    {
        var roots = new Dictionary<string, string>(StringComparer.Ordinal);
        var folders = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var cwd in cwds)
        {
            if (Of(fs, cwd, folders) is { } root)
            {
                roots[cwd] = root;
            }
        }

        return roots;
    }

    /// <summary>The root of one directory, or <see langword="null"/> (none, or it cannot be told).</summary>
    /// <param name="fs">The file system.</param>
    /// <param name="cwd">The directory.</param>
    /// <param name="folders">Each folder's answer so far, shared by directories with the same parents (one pass's).</param>
    public static string? Of(IFileSystem fs, string cwd, Dictionary<string, string?> folders)
    {
        try
        {
            return Walk(fs, AgentFiles.NormalizePath(cwd), folders);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Cannot tell: the session is taken to belong here, as before.
            return null;
        }
    }

    protected override IReadOnlyDictionary<string, string> See(ObservationNeeds needs, CancellationToken cancellationToken) =>
        Find(fileSystem, needs.Request(Key).Cwds);

    private static string? Walk(IFileSystem fs, string? dir, Dictionary<string, string?> folders)
    {
        if (string.IsNullOrEmpty(dir))
        {
            return null;
        }

        if (folders.TryGetValue(dir, out var known))
        {
            return known;
        }

        var root = fs.File.Exists(fs.Path.Combine(dir, ".hermes", "agent-sessions.yaml")) ? dir : Walk(fs, fs.Path.GetDirectoryName(dir), folders);
        folders[dir] = root;
        return root;
    }
}
