using System.Globalization;
using System.Runtime.InteropServices;
using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile;

/// <summary>
/// The registry on disk: reads <c>.hermes/agent-sessions.yaml</c> safely and rewrites it under
/// an advisory <c>flock</c> on <c>agent-sessions.yaml.lock</c> (the lock shell tools take with
/// <c>flock(1)</c>), atomically (temp file in the same folder, fsync, rename, fsync of the folder),
/// keeping its permission bits and owner, and refreshing <c>agent-sessions.yaml.bak</c>.
/// </summary>
internal sealed class FileRegistryStore(string workspaceRoot, TimeSpan lockTimeout, long maxFileBytes, YamlLimits limits, TimeProvider timeProvider) : IRegistryStore
{
    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(20);
    private const UnixFileMode NewFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // The last read, keyed by the exact bytes it came from: typed rows and where they are, never handed out.
    private volatile ParsedFile? lastParse;

    public string RegistryPath { get; } = Path.Combine(workspaceRoot, ".hermes", "agent-sessions.yaml");

    public string WorkspaceRoot { get; } = workspaceRoot;

    public async Task<Registry> LoadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var files = Resolve();
        using (await LockAsync(files, exclusive: false, cancellationToken).ConfigureAwait(false))
        {
            return Read(files, out _, out _).Copy();
        }
    }

    /// <summary>
    /// Reads the registry (a missing file is an empty registry) and maps it straight from the parser's
    /// events; bytes identical to the last read's are not parsed again. <paramref name="text"/> is the
    /// decoded text when it was decoded.
    /// </summary>
    private RegistrySnapshot Read(Files files, out byte[]? bytes, out string? text)
    {
        text = null;
        var cached = lastParse;

        // Compared with the last read's bytes as it is read: the same file is not read into a second array.
        bytes = RegistryFiles.ReadBytes(RegistryPath, files.Target, maxFileBytes, cached?.Bytes);
        if (bytes is null)
        {
            return RegistryReader.Read(RegistryPath, string.Empty, hasBom: false, limits);
        }

        if (cached is not null && ReferenceEquals(cached.Bytes, bytes))
        {
            return cached.Snapshot;
        }

        // An ASCII file (the usual one) is parsed from its bytes; anything else is checked and decoded first.
        var snapshot = RegistryReader.ReadAscii(RegistryPath, bytes, limits);
        if (snapshot is null)
        {
            text = RegistryYaml.Decode(RegistryPath, bytes, out var hasBom);
            snapshot = RegistryReader.Read(RegistryPath, text, hasBom, limits);
        }

        lastParse = new ParsedFile(bytes, snapshot);
        return snapshot;
    }

    /// <summary>Reads the registry for a change: the caller's copy, and the file's bytes (decoded to text only if the change cannot be spliced row by row).</summary>
    private LoadedRegistry ReadForUpdate(Files files, out byte[]? bytes)
    {
        var snapshot = Read(files, out bytes, out var text);
        return new LoadedRegistry(RegistryPath, snapshot, bytes ?? [], text);
    }

    /// <summary>
    /// The file the registry path names (the final target of a symbolic link, so a write replaces the
    /// target and keeps the link) and the lock, <c>.bak</c> and folder beside it. A link must point
    /// into an existing folder: nothing is ever created through a link.
    /// </summary>
    private Files Resolve()
    {
        try
        {
            var link = File.ResolveLinkTarget(RegistryPath, returnFinalTarget: true);
            var target = link?.FullName ?? RegistryPath;
            var folder = Path.GetDirectoryName(target)!;
            if (link is not null && !Directory.Exists(folder))
            {
                throw RegistryErrors.At(
                    RegistryErrorKind.Io,
                    RegistryPath,
                    $"is a symbolic link to {target}, whose folder {folder} does not exist; nothing was created (create that folder or fix the link).");
            }

            return new Files(target, target + ".lock", target + ".bak", folder);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new Files(RegistryPath, RegistryPath + ".lock", RegistryPath + ".bak", Path.GetDirectoryName(RegistryPath)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw RegistryErrors.At(RegistryErrorKind.Io, RegistryPath, $"cannot follow the registry's symbolic link: {ex.Message}", inner: ex);
        }
    }

    public async Task<RegistryUpdateResult<TResult>> UpdateAsync<TResult>(
        Func<Registry, TResult> apply,
        RegistryUpdateOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apply);
        cancellationToken.ThrowIfCancellationRequested();
        var files = Resolve();
        if (options?.DryRun == true)
        {
            LoadedRegistry loaded;
            using (await LockAsync(files, exclusive: false, cancellationToken).ConfigureAwait(false))
            {
                loaded = ReadForUpdate(files, out _);
            }

            var edits = new RegistryEdits(loaded);
            var value = apply(loaded.Registry);
            var file = Render(loaded, edits, out _);
            return new RegistryUpdateResult<TResult>(value, file is not null, written: false, loaded.Registry, file);
        }

        RegistryFiles.CheckRegularFile(RegistryPath, files.Target);
        try
        {
            Directory.CreateDirectory(files.Folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw RegistryErrors.At(RegistryErrorKind.Io, RegistryPath, $"cannot create the folder {files.Folder}: {ex.Message}", inner: ex);
        }

        using var held = await LockAsync(files, exclusive: true, cancellationToken).ConfigureAwait(false);
        RegistryFiles.RemoveStaleTemporaryFiles(files.Target);
        var current = ReadForUpdate(files, out var oldBytes);
        var changes = new RegistryEdits(current);
        var result = apply(current.Registry);
        var newBytes = Render(current, changes, out var verified);
        if (newBytes is null)
        {
            return new RegistryUpdateResult<TResult>(result, changed: false, written: false, current.Registry, newText: null);
        }

        var target = files.Target;
        string? backupTemp = null;
        try
        {
            var existed = oldBytes is not null;
            var mode = existed && !OperatingSystem.IsWindows() ? File.GetUnixFileMode(target) : NewFileMode;
            (uint Uid, uint Gid)? owner = null;
            if (existed && NativeMethods.GetEuid() == 0 && NativeMethods.TryGetOwner(target, out var uid, out var gid))
            {
                owner = (uid, gid);
            }

            // The new text goes to a fsync'd temp file; the current file gets a second name (a hard
            // link: the old inode, whole and already on disk, mode and owner kept; a fsync'd copy where
            // links are not possible); the new file is renamed into place (the commit), then the second
            // name over the .bak, and the folder is fsync'd once. Every rename is atomic, so the registry
            // and the .bak are each always a whole committed version, the .bak older than the registry.
            var temp = RegistryFiles.WriteTemporary(target, newBytes, mode, owner);
            try
            {
                if (existed)
                {
                    backupTemp = RegistryFiles.PrepareBackup(target, files.Backup, oldBytes!, mode, owner);
                }

                File.Move(temp, target, overwrite: true);
            }
            finally
            {
                // Normally already renamed away; rename(2) also does nothing when both names are one file.
                RegistryFiles.TryDelete(temp);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (backupTemp is not null)
            {
                RegistryFiles.TryDelete(backupTemp);
            }

            throw RegistryErrors.At(RegistryErrorKind.Io, RegistryPath, $"could not write the registry: {ex.Message}", inner: ex);
        }

        // Committed: what fails from here on is a warning, never an error that would lose the pass.
        lastParse = verified is null ? null : new ParsedFile(newBytes, verified);
        string? warning = null;
        if (backupTemp is not null)
        {
            try
            {
                File.Move(backupTemp, files.Backup, overwrite: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                RegistryFiles.TryDelete(backupTemp);
                warning = $"{RegistryPath}: written, but the backup {files.Backup} was not refreshed: {ex.Message}";
            }
        }

        if (RegistryFiles.FsyncFolder(files.Folder) is { } fsyncError)
        {
            warning = (warning is null ? string.Empty : warning + " ") + $"{RegistryPath}: written, but the folder {files.Folder} could not be synced to disk ({fsyncError}); a power loss now may lose the write.";
        }

        return new RegistryUpdateResult<TResult>(result, changed: true, written: true, current.Registry, newBytes) { Warning = warning, Created = oldBytes is null };
    }

    private byte[]? Render(LoadedRegistry loaded, RegistryEdits changes, out RegistrySnapshot? verified)
    {
        try
        {
            return RegistryWriter.Write(RegistryPath, loaded, changes, limits, tamper: null, out _, out verified);
        }
        catch (Exception ex) when (ex is InvalidOperationException or YamlDotNet.Core.YamlException or ArgumentException or KeyNotFoundException)
        {
            // A fault of the store's own (or the emitter's), never the file's: say so in the store's terms, nothing written.
            throw RegistryErrors.At(RegistryErrorKind.Io, RegistryPath, $"the change could not be rendered ({ex.Message}); nothing was written.", inner: ex);
        }
    }

    /// <summary>
    /// Takes the flock: exclusive for a write (creating the lock file), shared for a read, and only
    /// when the lock file exists (a read never creates it); <see langword="null"/> when there is none.
    /// </summary>
    private async Task<LockHandle?> LockAsync(Files files, bool exclusive, CancellationToken cancellationToken)
    {
        var fd = exclusive
            ? NativeMethods.Open(files.Lock, NativeMethods.OpenReadWriteCreate, Convert.ToInt32("644", 8))
            : NativeMethods.Open(files.Lock, NativeMethods.OpenReadOnlyNonBlocking, 0);
        if (fd < 0)
        {
            if (!exclusive)
            {
                return null; // no lock file (or not ours to open): no writer uses the lock
            }

            var errno = Marshal.GetLastPInvokeError();
            throw RegistryErrors.At(RegistryErrorKind.Io, files.Lock, $"cannot open the lock file ({Marshal.GetPInvokeErrorMessage(errno)}).");
        }

        var started = timeProvider.GetTimestamp();
        try
        {
            while (true)
            {
                if (NativeMethods.Flock(fd, (exclusive ? NativeMethods.LockEx : NativeMethods.LockSh) | NativeMethods.LockNb) == 0)
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
                    throw RegistryErrors.At(RegistryErrorKind.Io, files.Lock, $"cannot lock the registry ({Marshal.GetPInvokeErrorMessage(errno)}).");
                }

                var remaining = lockTimeout - timeProvider.GetElapsedTime(started);
                if (remaining <= TimeSpan.Zero)
                {
                    throw RegistryErrors.At(
                        RegistryErrorKind.Locked,
                        RegistryPath,
                        string.Create(CultureInfo.InvariantCulture, $"the registry is locked by another writer (flock on {files.Lock}) and was not released within {lockTimeout.TotalSeconds:0.###} s; nothing was {(exclusive ? "written" : "read")}."));
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

    private sealed record ParsedFile(byte[] Bytes, RegistrySnapshot Snapshot);

    /// <summary>The registry file itself (a symbolic link's final target) and the files beside it.</summary>
    private sealed record Files(string Target, string Lock, string Backup, string Folder);

    private sealed class LockHandle(int fd) : IDisposable
    {
        public void Dispose()
        {
            NativeMethods.Flock(fd, NativeMethods.LockUn);
            NativeMethods.Close(fd);
        }
    }
}
