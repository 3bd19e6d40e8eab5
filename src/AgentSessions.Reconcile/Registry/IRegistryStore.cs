using System.Text;

namespace AgentSessions.Reconcile;

/// <summary>
/// Reads and writes one workspace's registry file. Loads preserve what the library does not
/// model; updates are locked (<c>flock</c> on <c>agent-sessions.yaml.lock</c>), re-read the
/// file under the lock, and replace it atomically. A file that does not parse or validate is
/// never rewritten.
/// </summary>
public interface IRegistryStore
{
    /// <summary>Gets the full path of the registry file (<c>&lt;root&gt;/.hermes/agent-sessions.yaml</c>).</summary>
    string RegistryPath { get; }

    /// <summary>Gets the workspace root folder (the folder that holds <c>.hermes/</c>).</summary>
    string WorkspaceRoot { get; }

    /// <summary>
    /// Loads the registry. When the lock file exists, the read holds a shared lock on it, so a
    /// writer rewriting the file under the lock is never seen half-written; a read never creates
    /// the lock file. A missing file gives an empty registry; anything but a regular file at the
    /// path (a directory, FIFO, socket, device) is an error.
    /// </summary>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The registry as it is on disk now.</returns>
    /// <exception cref="RegistryException">The file cannot be read, parsed or validated (the error names the file, line, column and field), or a writer held the lock for longer than the configured wait.</exception>
    Task<Registry> LoadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lock, re-reads the file, lets <paramref name="apply"/> change the registry as it
    /// is now, validates the result and, when something changed, writes it atomically (temp file,
    /// fsync, rename, fsync of the folder) and refreshes the <c>.bak</c>. A missing file is created
    /// only when the change has something to write.
    /// </summary>
    /// <typeparam name="TResult">What <paramref name="apply"/> returns.</typeparam>
    /// <param name="apply">Changes the registry in place and returns a value to hand back to the caller.</param>
    /// <param name="options">How to update; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">A token to cancel waiting for the lock.</param>
    /// <returns>The value of <paramref name="apply"/> and what was (or, for a dry run, would be) written.</returns>
    /// <exception cref="RegistryException">The file is invalid, the change does not validate, or the lock could not be had in time.</exception>
    Task<RegistryUpdateResult<TResult>> UpdateAsync<TResult>(
        Func<Registry, TResult> apply,
        RegistryUpdateOptions? options = null,
        CancellationToken cancellationToken = default);
}

/// <summary>Options for one <see cref="IRegistryStore.UpdateAsync{TResult}"/> call.</summary>
public sealed class RegistryUpdateOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether to compute the change without touching the disk
    /// (no lock file, no temp file, no write, no <c>.bak</c>).
    /// </summary>
    public bool DryRun { get; set; }
}

/// <summary>The outcome of <see cref="IRegistryStore.UpdateAsync{TResult}"/>.</summary>
/// <typeparam name="TResult">What the update function returned.</typeparam>
public sealed class RegistryUpdateResult<TResult>
{
    private readonly byte[]? newFile;
    private string? newText;

    /// <summary>Initializes a new instance of the <see cref="RegistryUpdateResult{TResult}"/> class.</summary>
    /// <param name="value">What the update function returned.</param>
    /// <param name="changed">Whether the registry's content changed.</param>
    /// <param name="written">Whether the file was written.</param>
    /// <param name="registry">The registry after the change.</param>
    /// <param name="newText">The text that was (or for a dry run would be) written, or <see langword="null"/> when nothing changed.</param>
    public RegistryUpdateResult(TResult value, bool changed, bool written, Registry registry, string? newText)
    {
        Value = value;
        Changed = changed;
        Written = written;
        Registry = registry;
        this.newText = newText;
    }

    /// <summary>Initializes a new instance of the <see cref="RegistryUpdateResult{TResult}"/> class whose text is decoded from the new file's bytes when it is asked for.</summary>
    internal RegistryUpdateResult(TResult value, bool changed, bool written, Registry registry, byte[]? newFile)
        : this(value, changed, written, registry, newText: null) => this.newFile = newFile;

    /// <summary>Gets what the update function returned.</summary>
    public TResult Value { get; }

    /// <summary>Gets a value indicating whether the registry's content changed.</summary>
    public bool Changed { get; }

    /// <summary>Gets a value indicating whether the file was written (never for a dry run).</summary>
    public bool Written { get; }

    /// <summary>Gets the registry after the change.</summary>
    public Registry Registry { get; }

    /// <summary>Gets the text that was (or would be) written, or <see langword="null"/> when nothing changed.</summary>
    public string? NewText => newText ??= newFile is null ? null : Encoding.UTF8.GetString(newFile.AsSpan(newFile.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0));

    /// <summary>
    /// Gets what went wrong after the new file was committed (renamed into place), or
    /// <see langword="null"/>: refreshing the <c>.bak</c> or syncing the folder failed. The registry
    /// itself holds the new text (<see cref="Written"/> is <see langword="true"/>).
    /// </summary>
    public string? Warning { get; init; }

    /// <summary>Gets a value indicating whether this write created the registry file (there was none before).</summary>
    public bool Created { get; init; }
}
