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

    public static string Resolve(IFileSystem fileSystem, string path)
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
        var pending = new Stack<string>();
        PushComponents(pending, full, separator);
        var resolved = new List<string>();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = Join(resolved, part, separator);
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
                resolved.Add(part);
                continue;
            }

            if (++links > MaxLinks)
            {
                return full;
            }

            if (fileSystem.Path.IsPathRooted(target))
            {
                resolved.Clear();
            }

            PushComponents(pending, target, separator);
        }

        return Join(resolved, null, separator);
    }

    private static void PushComponents(Stack<string> pending, string path, char separator)
    {
        foreach (var part in path.Split(separator).Reverse())
        {
            pending.Push(part);
        }
    }

    private static string Join(List<string> parts, string? last, char separator) =>
        string.Concat((last is null ? parts : parts.Append(last)).Select(p => separator + p)) is { Length: > 0 } text ? text : separator.ToString();
}
