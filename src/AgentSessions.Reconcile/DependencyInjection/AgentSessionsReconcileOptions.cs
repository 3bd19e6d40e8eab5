namespace AgentSessions.Reconcile;

/// <summary>
/// Options for <c>services.AddAgentSessionsReconcile(…)</c>: where the workspace is, and the
/// options of the registry store, the session probe and the reconciler it registers. Validated
/// when the host starts.
/// </summary>
public sealed class AgentSessionsReconcileOptions
{
    /// <summary>
    /// Gets or sets the workspace root (the folder that holds <c>.hermes/agent-sessions.yaml</c>).
    /// Required: here or in <see cref="Store"/>. When set, it wins over <see cref="RegistryStoreOptions.WorkspaceRoot"/>.
    /// </summary>
    /// <value>The default is an empty string (not set).</value>
    public string WorkspaceRoot { get; set; } = string.Empty;

    /// <summary>Gets the registry store's options (lock timeout, size and nesting limits).</summary>
    public RegistryStoreOptions Store { get; } = new();

    /// <summary>Gets the session probe's options (tmux server, timeouts, home and Claude folders).</summary>
    public SessionProbeOptions Probe { get; } = new();

    /// <summary>Gets the reconciler's options (workspace name, end-state grace, state folder).</summary>
    public ReconcilerOptions Reconciler { get; } = new();
}
