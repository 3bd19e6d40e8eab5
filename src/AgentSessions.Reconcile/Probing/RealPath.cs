using System.IO.Abstractions;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// <c>realpath</c> through <see cref="IFileSystem"/>: an absolute path with every symbolic link
/// resolved, component by component. Parts that do not exist are kept as written (like Python's
/// non-strict <c>os.path.realpath</c>).
/// </summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>Resolves <paramref name="path"/>.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="path">The path.</param>
    /// <param name="folders">
    /// What earlier calls found for each folder on their paths (full path to resolved path and the links
    /// followed), to share: a path whose parents were resolved reads only its own last part. The caller
    /// decides how long the answers hold (the Claude probe: one pass).
    /// </param>
    public static string Resolve(IFileSystem fileSystem, string path, Dictionary<string, (string Real, int Links)>? folders = null)
    {
        string full;
        try
        {
            full = fileSystem.Path.GetFullPath(path);
        }
        catch (ArgumentException)
        {
            return path;
        }

        var separator = fileSystem.Path.DirectorySeparatorChar;
        var (real, links) = Resolve(fileSystem, full, separator, folders);
        return links > MaxLinks ? full : real.Length > 0 ? real : separator.ToString();
    }

    /// <summary>
    /// The resolved path of <paramref name="full"/> ("" for the root): its parent's, then its last part
    /// (the same as resolving every part in turn, since the parent's answer is a resolved prefix).
    /// </summary>
    private static (string Real, int Links) Resolve(IFileSystem fileSystem, string full, char separator, Dictionary<string, (string Real, int Links)>? folders)
    {
        if (folders is not null && folders.TryGetValue(full, out var known))
        {
            return known;
        }

        var cut = full.LastIndexOf(separator);
        var (resolved, links) = cut > 0 ? Resolve(fileSystem, full[..cut], separator, folders) : (string.Empty, 0);
        if (links <= MaxLinks)
        {
            var pending = new Stack<string>();
            pending.Push(full[(cut + 1)..]);
            links = Follow(fileSystem, pending, ref resolved, links, separator);
        }

        if (folders is not null)
        {
            folders[full] = (resolved, links);
        }

        return (resolved, links);
    }

    private static int Follow(IFileSystem fileSystem, Stack<string> pending, ref string resolved, int links, char separator)
    {
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = resolved[..Math.Max(resolved.LastIndexOf(separator), 0)];
                continue;
            }

            var candidate = resolved + separator + part;
            string? target = null;
            try
            {
                target = fileSystem.FileInfo.New(candidate).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Cannot tell: taken as no link.
            }

            if (target is null)
            {
                resolved = candidate;
                continue;
            }

            if (++links > MaxLinks)
            {
                return links;
            }

            if (fileSystem.Path.IsPathRooted(target))
            {
                resolved = string.Empty;
            }

            foreach (var next in target.Split(separator).Reverse())
            {
                pending.Push(next);
            }
        }

        return links;
    }
}
