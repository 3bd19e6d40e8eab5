namespace AgentSessions.Reconcile;

/// <summary>Options for the file-backed <see cref="IRegistryStore"/> made by <see cref="RegistryStore.Create"/>.</summary>
public sealed class RegistryStoreOptions
{
    /// <summary>Gets or sets the workspace root: the folder that holds <c>.hermes/agent-sessions.yaml</c>. Required.</summary>
    public string WorkspaceRoot { get; set; } = string.Empty;

    /// <summary>Gets or sets how long an update waits for the <c>flock</c> on <c>agent-sessions.yaml.lock</c> before it fails with <see cref="RegistryErrorKind.Locked"/>.</summary>
    /// <value>The default is 10 seconds.</value>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the largest registry file, in bytes, the store reads; a larger file is a <see cref="RegistryErrorKind.TooLarge"/> error.</summary>
    /// <value>The default is 16 MiB.</value>
    public long MaxFileBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Gets or sets the deepest nesting of mappings and sequences the store accepts.</summary>
    /// <value>The default is 64.</value>
    public int MaxDepth { get; set; } = 64;

    /// <summary>Gets or sets how many nodes YAML aliases may expand to in total (a bound against "billion laughs" files).</summary>
    /// <value>The default is 10,000.</value>
    public int MaxAliasExpansions { get; set; } = 10_000;
}
