using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile;

/// <summary>Creates the file-backed <see cref="IRegistryStore"/> and finds workspace roots.</summary>
public static class RegistryStore
{
    /// <summary>Creates a store for the registry under <see cref="RegistryStoreOptions.WorkspaceRoot"/>.</summary>
    /// <param name="options">Where the registry is and the limits to enforce.</param>
    /// <param name="timeProvider">The clock used to wait for the lock; <see langword="null"/> for the system clock.</param>
    /// <returns>A store that reads and atomically rewrites <c>.hermes/agent-sessions.yaml</c>.</returns>
    /// <exception cref="ArgumentException">The workspace root is missing or a limit is not positive.</exception>
    public static IRegistryStore Create(RegistryStoreOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.WorkspaceRoot))
        {
            throw new ArgumentException("RegistryStoreOptions.WorkspaceRoot is required.", nameof(options));
        }

        if (options.MaxFileBytes <= 0 || options.MaxDepth <= 0 || options.MaxAliasExpansions < 0 || options.LockTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException("RegistryStoreOptions limits must be positive.", nameof(options));
        }

        return new FileRegistryStore(
            Path.GetFullPath(options.WorkspaceRoot),
            options.LockTimeout,
            options.MaxFileBytes,
            new YamlLimits(options.MaxDepth, options.MaxAliasExpansions),
            timeProvider ?? TimeProvider.System);
    }

    /// <summary>Walks up from <paramref name="startDirectory"/> to the first folder holding <c>.hermes/agent-sessions.yaml</c>.</summary>
    /// <param name="startDirectory">The folder to start from (usually the current directory).</param>
    /// <returns>The workspace root, or <see langword="null"/> when no folder up to the file system root holds a registry.</returns>
    public static string? FindWorkspaceRoot(string startDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(startDirectory);
        for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            // Anything at the path counts, so a directory or FIFO there gets the store's clear error, not "no registry".
            if (Path.Exists(Path.Combine(dir.FullName, ".hermes", "agent-sessions.yaml")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
