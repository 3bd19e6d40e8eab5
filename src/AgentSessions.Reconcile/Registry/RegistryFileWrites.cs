using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile;

/// <summary>The file steps of a durable registry write: fsync'd temp files, the <c>.bak</c>'s second name, folder fsync.</summary>
internal static class RegistryFileWrites
{
    /// <summary>Removes temp files of <paramref name="target"/> left by a writer that died (call under the lock).</summary>
    public static void RemoveStaleTemporaryFiles(string target)
    {
        // Temp files are only created under the lock: any left now belong to a writer that died.
        try
        {
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(target)!, Path.GetFileName(target) + "*.tmp-*"))
            {
                File.Delete(file);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp file is harmless.
        }
    }

    /// <summary>Gives the current registry file a temp second name (hard link, else a fsync'd copy of <paramref name="oldBytes"/>); returns it.</summary>
    public static string PrepareBackup(string target, string backup, byte[] oldBytes, UnixFileMode mode, (uint Uid, uint Gid)? owner)
    {
        // The target is never a symbolic link here (links are resolved first).
        if (!OperatingSystem.IsWindows())
        {
            var linkTemp = TemporaryName(backup);
            if (NativeMethods.Link(target, linkTemp) == 0)
            {
                return linkTemp;
            }
        }

        // No hard links here (EXDEV, EPERM, ENOTSUP, …): write a copy of the old bytes.
        return WriteTemporary(backup, oldBytes, mode, owner);
    }

    public static string TemporaryName(string target) =>
        string.Create(CultureInfo.InvariantCulture, $"{target}.tmp-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}");

    /// <summary>Writes <paramref name="bytes"/> to a new fsync'd temp file next to <paramref name="target"/> with its mode and owner; returns its path.</summary>
    public static string WriteTemporary(string target, byte[] bytes, UnixFileMode mode, (uint Uid, uint Gid)? owner)
    {
        var temp = TemporaryName(target);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = mode;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, mode);
            }

            if (owner is { } o && NativeMethods.Chown(temp, o.Uid, o.Gid) != 0)
            {
                throw new IOException($"cannot give {temp} its owner back (chown failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}).");
            }

            return temp;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The original error matters more.
        }
    }

    /// <summary>Fsyncs the folder; returns what went wrong, or <see langword="null"/>.</summary>
    public static string? FsyncFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var fd = NativeMethods.Open(folder, NativeMethods.OpenReadOnlyDirectory, 0);
        if (fd < 0)
        {
            return Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }

        try
        {
            return NativeMethods.Fsync(fd) == 0 ? null : Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
        }
        finally
        {
            NativeMethods.Close(fd);
        }
    }
}
