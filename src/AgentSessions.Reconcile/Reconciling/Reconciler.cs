using AgentSessions.Reconcile.Reconciling;
using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile;

/// <summary>Creates reconcilers.</summary>
public static class Reconciler
{
    /// <summary>
    /// Creates a reconciler for one workspace. It runs one pass at a time; its metrics go to the
    /// <c>AgentSessions.Reconcile</c> meter.
    /// </summary>
    /// <param name="store">The workspace's registry store.</param>
    /// <param name="probe">The live-state probe.</param>
    /// <param name="options">The options (copied; later changes have no effect).</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for no logging.</param>
    /// <param name="stateStore">
    /// Where the drift state lives; <see langword="null"/> for the file store
    /// (<see cref="DriftStateStore.CreateFile"/> in <see cref="ReconcilerOptions.StateDirectory"/>).
    /// </param>
    /// <returns>The reconciler.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message names each problem.</exception>
    public static IReconciler Create(
        IRegistryStore store,
        ISessionProbe probe,
        ReconcilerOptions options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IDriftStateStore? stateStore = null) =>
        new DefaultReconciler(store, probe, options, timeProvider, loggerFactory, stateStore);
}
