using System.IO.Abstractions;
using System.Text;

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
        var parts = path.Split(separator);
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    private static string Join(List<string> parts, string? last, char separator)
    {
        var text = new StringBuilder();
        foreach (var p in parts)
        {
            text.Append(separator).Append(p);
        }

        if (last is not null)
        {
            text.Append(separator).Append(last);
        }

        return text.Length == 0 ? separator.ToString() : text.ToString();
    }
}
