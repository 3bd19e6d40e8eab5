using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile;

/// <summary>
/// The registry on disk: reads <c>.hermes/agent-sessions.yaml</c> safely and rewrites it under
/// an advisory <c>flock</c> on <c>agent-sessions.yaml.lock</c> (the lock shell tools take with
/// <c>flock(1)</c>), atomically (temp file in the same folder, fsync, rename, fsync of the folder),
/// keeping its permission bits and owner, and refreshing <c>agent-sessions.yaml.bak</c>.
/// </summary>
internal sealed class FileRegistryStore : IRegistryStore
{
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TimeSpan lockTimeout;
    private readonly long maxFileBytes;
    private readonly YamlLimits limits;
    private readonly TimeProvider timeProvider;

    // The last parse, keyed by the exact bytes it came from. Parsed trees are never mutated after
    // parsing (composing makes new nodes), so a tree can be shared by every read of the same bytes.
    private volatile ParsedFile? lastParse;

    public FileRegistryStore(string workspaceRoot, TimeSpan lockTimeout, long maxFileBytes, YamlLimits limits, TimeProvider timeProvider)
    {
        WorkspaceRoot = workspaceRoot;
        RegistryPath = Path.Combine(workspaceRoot, ".hermes", "agent-sessions.yaml");
        LockPath = RegistryPath + ".lock";
        BackupPath = RegistryPath + ".bak";
        this.lockTimeout = lockTimeout;
        this.maxFileBytes = maxFileBytes;
        this.limits = limits;
        this.timeProvider = timeProvider;
    }

    public string RegistryPath { get; }

    public string WorkspaceRoot { get; }

    public string LockPath { get; }

    public string BackupPath { get; }

    private string Folder => Path.GetDirectoryName(RegistryPath)!;

    public Task<Registry> LoadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(out _).Registry);
    }

    /// <summary>Reads and maps the registry; a missing file is an empty registry.</summary>
    internal LoadedRegistry Read(out byte[]? bytes)
    {
        bytes = ReadBytes();
        YDocument document;
        if (bytes is null)
        {
            document = new YDocument(string.Empty, null, hasBom: false);
        }
        else if (lastParse is { } cached && cached.Bytes.AsSpan().SequenceEqual(bytes))
        {
            document = cached.Document;
        }
        else
        {
            document = RegistryYamlParser.Parse(RegistryPath, bytes, limits);
            lastParse = new ParsedFile(bytes, document);
        }

        return RegistryMapper.Map(RegistryPath, document);
    }

    public async Task<RegistryUpdateResult<TResult>> UpdateAsync<TResult>(
        Func<Registry, TResult> apply,
        RegistryUpdateOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apply);
        cancellationToken.ThrowIfCancellationRequested();
        if (options?.DryRun == true)
        {
            var loaded = Read(out _);
            loaded.TakeSnapshot();
            var value = apply(loaded.Registry);
            var text = Render(loaded, out _, out _);
            return new RegistryUpdateResult<TResult>(value, text is not null, written: false, loaded.Registry, text);
        }

        try
        {
            Directory.CreateDirectory(Folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw RegistryErrors.At(RegistryErrorKind.Io, RegistryPath, $"cannot create the folder {Folder}: {ex.Message}", inner: ex);
        }

        using var held = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        RemoveStaleTemporaryFiles();
        var current = Read(out var oldBytes);
        current.TakeSnapshot();
        var result = apply(current.Registry);
        var newText = Render(current, out var bom, out var verified);
        if (newText is null)
        {
            return new RegistryUpdateResult<TResult>(result, changed: false, written: false, current.Registry, null);
        }

        var newBytes = Encode(newText, bom);
        try
        {
            var existed = oldBytes is not null;
            var mode = existed && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(RegistryPath) : NewFileMode;
            (uint Uid, uint Gid)? owner = null;
            if (existed && NativeMethods.GetEuid() == 0 && NativeMethods.TryGetOwner(RegistryPath, out var uid, out var gid))
            {
                owner = (uid, gid);
            }

            // The new text goes to a fsync'd temp file; the current file gets a second name (a hard
            // link: the old inode, whole and already on disk, mode and owner kept; a fsync'd copy where
            // links are not possible); the new file is renamed into place, then the second name over
            // the .bak, and the folder is fsync'd once. Every rename is atomic, so the registry and the
            // .bak are each always a whole committed version, the .bak older than the registry.
            var temp = WriteTemporary(RegistryPath, newBytes, mode, owner);
            string? backupTemp = null;
            try
            {
                if (existed)
                {
                    backupTemp = PrepareBackup(oldBytes!, mode, owner);
                }

                File.Move(temp, RegistryPath, overwrite: true);
                if (backupTemp is not null)
                {
                    File.Move(backupTemp, BackupPath, overwrite: true);
                }
            }
            finally
            {
                // Normally already renamed away; rename(2) also does nothing when both names are one file.
                TryDelete(temp);
                if (backupTemp is not null)
                {
                    TryDelete(backupTemp);
                }
            }

            FsyncFolder();
            lastParse = new ParsedFile(newBytes, new YDocument(verified!.Text, verified.Root, bom));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw RegistryErrors.At(RegistryErrorKind.Io, RegistryPath, $"could not write the registry: {ex.Message}", inner: ex);
        }

        return new RegistryUpdateResult<TResult>(result, changed: true, written: true, current.Registry, newText);
    }

    /// <summary>Validates the changed registry and renders it; <see langword="null"/> when its content did not change.</summary>
    internal string? Render(LoadedRegistry loaded, out bool bom, out YDocument? verified)
    {
        bom = loaded.Document.HasBom;
        verified = null;
        RegistryComposer.Validate(RegistryPath, loaded.Registry);
        var intended = RegistryComposer.Compose(loaded, loaded.Registry);
        if (intended is null || ReferenceEquals(intended, loaded.Document.Root))
        {
            return null;
        }

        var text = RegistryWriter.Write(RegistryPath, loaded.Document, intended, limits, out _, out var reparsed);
        verified = reparsed;
        return text;
    }

    private static byte[] Encode(string text, bool bom)
    {
        var body = Encoding.UTF8.GetBytes(text);
        return bom ? [.. Utf8Bom, .. body] : body;
    }

    private byte[]? ReadBytes()
    {
        try
        {
            using var stream = new FileStream(RegistryPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.ReadWrite | FileShare.Delete,
                Options = FileOptions.SequentialScan,
            });
            var length = stream.Length;
            if (length > maxFileBytes)
            {
                throw TooLarge(length);
            }

            var buffer = new byte[length];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            if (read == buffer.Length && stream.ReadByte() >= 0)
            {
                throw TooLarge(stream.Length);
            }

            return read == buffer.Length ? buffer : buffer[..read];
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw RegistryErrors.At(RegistryErrorKind.Io, RegistryPath, $"cannot read the registry: {ex.Message}", inner: ex);
        }
    }

    private RegistryException TooLarge(long length) =>
        RegistryErrors.At(
            RegistryErrorKind.TooLarge,
            RegistryPath,
            string.Create(CultureInfo.InvariantCulture, $"the file is {length:N0} bytes, larger than the {Describe(maxFileBytes)} limit; a registry this big is almost certainly not one."));

    private static string Describe(long bytes) =>
        bytes % (1024 * 1024) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:N0}-byte");

    private async Task<LockHandle> AcquireLockAsync(CancellationToken cancellationToken)
    {
        var fd = NativeMethods.Open(LockPath, NativeMethods.OpenReadWriteCreate, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw RegistryErrors.At(RegistryErrorKind.Io, LockPath, $"cannot open the lock file ({Marshal.GetPInvokeErrorMessage(errno)}).");
        }

        var started = timeProvider.GetTimestamp();
        try
        {
            while (true)
            {
                if (NativeMethods.Flock(fd, NativeMethods.LockEx | NativeMethods.LockNb) == 0)
                {
                    return new LockHandle(fd);
                }

                var errno = Marshal.GetLastPInvokeError();
                if (NativeMethods.IsInterrupted(errno))
                {
                    continue;
                }

                if (!NativeMethods.IsWouldBlock(errno))
                {
                    throw RegistryErrors.At(RegistryErrorKind.Io, LockPath, $"cannot lock the registry ({Marshal.GetPInvokeErrorMessage(errno)}).");
                }

                var remaining = lockTimeout - timeProvider.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    throw RegistryErrors.At(
                        RegistryErrorKind.Locked,
                        RegistryPath,
                        string.Create(CultureInfo.InvariantCulture, $"the registry is locked by another writer (flock on {LockPath}) and was not released within {lockTimeout.TotalSeconds:0.###} s; nothing was written."));
                }

                await Task.Delay(remaining < LockPollInterval ? remaining : LockPollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            NativeMethods.Close(fd);
            throw;
        }
    }

    private void RemoveStaleTemporaryFiles()
    {
        // Temp files are only created under the lock: any left now belong to a writer that died.
        try
        {
            foreach (var file in Directory.EnumerateFiles(Folder, "agent-sessions.yaml*.tmp-*"))
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
    private string PrepareBackup(byte[] oldBytes, UnixFileMode mode, (uint Uid, uint Gid)? owner)
    {
        // link(2) would link a symbolic link itself, not the file it names: copy in that case.
        if (!OperatingSystem.IsWindows() && new FileInfo(RegistryPath).LinkTarget is null)
        {
            var linkTemp = TemporaryName(BackupPath);
            if (NativeMethods.Link(RegistryPath, linkTemp) == 0)
            {
                return linkTemp;
            }
        }

        // No hard links here (EXDEV, EPERM, ENOTSUP, …): write a copy of the old bytes.
        return WriteTemporary(BackupPath, oldBytes, mode, owner);
    }

    private static string TemporaryName(string target) =>
        string.Create(CultureInfo.InvariantCulture, $"{target}.tmp-{Environment.ProcessId}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(4))}");

    /// <summary>Writes <paramref name="bytes"/> to a new fsync'd temp file next to <paramref name="target"/> with its mode and owner; returns its path.</summary>
    private static string WriteTemporary(string target, byte[] bytes, UnixFileMode mode, (uint Uid, uint Gid)? owner)
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

    private static void TryDelete(string path)
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

    private void FsyncFolder()
    {
        var fd = NativeMethods.Open(Folder, NativeMethods.OpenReadOnlyDirectory, 0);
        if (fd < 0)
        {
            return;
        }

        try
        {
            NativeMethods.Fsync(fd);
        }
        finally
        {
            NativeMethods.Close(fd);
        }
    }

    private sealed record ParsedFile(byte[] Bytes, YDocument Document);

    private sealed class LockHandle(int fd) : IDisposable
    {
        public void Dispose()
        {
            NativeMethods.Flock(fd, NativeMethods.LockUn);
            NativeMethods.Close(fd);
        }
    }
}
