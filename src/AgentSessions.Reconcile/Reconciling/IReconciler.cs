namespace AgentSessions.Reconcile;

/// <summary>
/// Runs level-based reconcile passes for one workspace: read the registry and the live state,
/// compute the drift, apply what is safe through the store's locked update (re-checking each
/// change against the file as it is then), and report. One pass at a time.
/// </summary>
public interface IReconciler
{
    /// <summary>Runs one pass.</summary>
    /// <param name="request">Why the pass runs and whether it may write.</param>
    /// <param name="cancellationToken">A token to cancel the pass.</param>
    /// <returns>The drift found and what was done about it.</returns>
    /// <exception cref="RegistryException">The registry is invalid, or its lock could not be had in time; nothing was written.</exception>
    Task<DriftReport> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What started a reconcile pass.</summary>
public enum ReconcileTrigger
{
    /// <summary>A person or script asked for it (the CLI, a test).</summary>
    Manual,

    /// <summary>The polling interval elapsed.</summary>
    Timer,

    /// <summary>A verified job event arrived.</summary>
    Event,
}

/// <summary>A request for one reconcile pass. It carries identity and a trigger, not payload: a trigger records facts first (<see cref="ReconcileLoop.RecordAsync"/>).</summary>
public sealed class ReconcileRequest
{
    /// <summary>Gets or sets what started the pass.</summary>
    /// <value>The default is <see cref="ReconcileTrigger.Manual"/>.</value>
    public ReconcileTrigger Trigger { get; set; } = ReconcileTrigger.Manual;

    /// <summary>
    /// Gets or sets a value indicating whether to compute the drift without changing anything on
    /// disk (registry, backup, lock file and coalescing state are all left alone).
    /// </summary>
    public bool DryRun { get; set; }
}
