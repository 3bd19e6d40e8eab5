using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using AgentSessions.Reconcile.Yaml;
using Microsoft.Win32.SafeHandles;

namespace AgentSessions.Reconcile;

/// <summary>
/// The file steps of the registry: a read that cannot block or overflow, and a durable write's
/// fsync'd temp files, the <c>.bak</c>'s second name and the folder fsync.
/// </summary>
internal static class RegistryFiles
{
    /// <summary>Refuses a path that names anything but a regular file (or nothing), without opening it.</summary>
    public static void CheckRegularFile(string registryPath, string target)
    {
        if (!OperatingSystem.IsWindows() && NativeMethods.NotRegularFileKind(target) is { } kind)
        {
            throw RegistryErrors.At(RegistryErrorKind.Schema, registryPath, $"is {kind}, not a file; a registry must be a regular file.");
        }
    }

    /// <summary>
    /// Reads the whole registry file (<see langword="null"/> when there is none): a regular file only,
    /// opened non-blocking, at most <paramref name="maxFileBytes"/>. A file whose bytes are those of
    /// <paramref name="same"/> gives <paramref name="same"/> itself: it is compared piece by piece as it
    /// is read, so an unchanged large file is never held twice.
    /// </summary>
    public static byte[]? ReadBytes(string registryPath, string target, long maxFileBytes, byte[]? same = null)
    {
        CheckRegularFile(registryPath, target);

        // Non-blocking: should the path become a FIFO after the check, the open still returns.
        var fd = NativeMethods.Open(target, NativeMethods.OpenReadOnlyNonBlocking, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 2 or 20)
            {
                return null; // ENOENT, ENOTDIR
            }

            throw RegistryErrors.At(RegistryErrorKind.Io, registryPath, $"cannot read the registry: {Marshal.GetPInvokeErrorMessage(errno)}.");
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
            var length = stream.Length;
            if (length > maxFileBytes)
            {
                throw TooLarge(registryPath, length, maxFileBytes);
            }

            if (same is not null && same.Length == length && IsSame(stream, same))
            {
                return same;
            }

            var buffer = new byte[length];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read == buffer.Length && stream.ReadByte() >= 0)
            {
                throw TooLarge(registryPath, stream.Length, maxFileBytes);
            }

            return read == buffer.Length ? buffer : buffer[..read];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw RegistryErrors.At(RegistryErrorKind.Io, registryPath, $"cannot read the registry: {ex.Message}", inner: ex);
        }
        finally
        {
            handle.Dispose();
        }
    }

    /// <summary>Reads the stream in pieces, comparing each with <paramref name="same"/>; rewinds it when the file differs.</summary>
    private static bool IsSame(FileStream stream, byte[] same)
    {
        var piece = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var at = 0;
            while (at < same.Length)
            {
                var n = stream.Read(piece, 0, Math.Min(piece.Length, same.Length - at));
                if (n == 0 || !piece.AsSpan(0, n).SequenceEqual(same.AsSpan(at, n)))
                {
                    break;
                }

                at += n;
            }

            if (at == same.Length && stream.ReadByte() < 0)
            {
                return true;
            }

            stream.Position = 0;
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece);
        }
    }

    private static RegistryException TooLarge(string registryPath, long length, long maxFileBytes) =>
        RegistryErrors.At(
            RegistryErrorKind.TooLarge,
            registryPath,
            string.Create(CultureInfo.InvariantCulture, $"the file is {length:N0} bytes, larger than the {Describe(maxFileBytes)} limit; a registry this big is almost certainly not one."));

    private static string Describe(long bytes) =>
        bytes % (1024 * 1024) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0}-byte");

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
        var linkTemp = TemporaryName(backup);
        if (NativeMethods.Link(target, linkTemp) == 0)
        {
            return linkTemp;
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
