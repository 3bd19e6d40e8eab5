using System.Diagnostics.Metrics;
using AgentSessions.Reconcile;
using AgentSessions.Reconcile.DependencyInjection;
using AgentSessions.Reconcile.Reconciling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the agent-sessions registry store, session probe and reconciler to a service collection.</summary>
public static class ReconcileServiceCollectionExtensions
{
    /// <summary>
    /// Adds an <see cref="IRegistryStore"/> (<see cref="RegistryStore.Create"/>), an
    /// <see cref="ISessionProbe"/> (<see cref="SessionProbe.Create"/>) and an <see cref="IReconciler"/>,
    /// and a <see cref="ReconcileLoop"/>, each only when none is registered yet (so any of them can be
    /// replaced), plus <see cref="TimeProvider.System"/> when no clock is registered. Options are validated when a
    /// service that uses them is first resolved; the monitor (<c>AddAgentSessionsMonitor</c>) resolves
    /// them when the host starts, and stops it with one sentence when they do not validate. Safe to call more than once: every <paramref name="configure"/> runs, in order.
    /// The drift state file lives in <c>Reconciler.StateDirectory</c>, else <c>AGENT_SESSIONS_STATE_DIR</c>,
    /// else under the workspace root; an <see cref="IDriftStateStore"/> in the container replaces it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddAgentSessionsReconcile(this IServiceCollection services, Action<AgentSessionsReconcileOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AgentSessionsReconcileOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Adds the same services as <see cref="AddAgentSessionsReconcile(IServiceCollection, Action{AgentSessionsReconcileOptions})"/>,
    /// with options bound from a configuration section (for example <c>AgentSessions</c> with keys
    /// <c>WorkspaceRoot</c>, <c>Store:LockTimeout</c>, <c>Probe:TmuxSocketName</c>, <c>Reconciler:EndStateGrace</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddAgentSessionsReconcile(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AgentSessionsReconcileOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        // WorkspaceRoot, when set, wins over Store.WorkspaceRoot: the store and the validator read the latter.
        services.AddOptions<AgentSessionsReconcileOptions>().PostConfigure(o => o.Store.WorkspaceRoot = string.IsNullOrWhiteSpace(o.WorkspaceRoot) ? o.Store.WorkspaceRoot : o.WorkspaceRoot);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgentSessionsReconcileOptions>, AgentSessionsReconcileOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ReconcileLoop(sp.GetRequiredService<IReconciler>(), sp.GetService<IRegistryStore>(), sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IRegistryStore>(sp => RegistryStore.Create(Options(sp).Store, sp.GetService<TimeProvider>()));
        services.TryAddSingleton<ISessionProbe>(sp => SessionProbe.Create(Options(sp).Probe, fileSystem: null, sp.GetService<TimeProvider>()));
        services.TryAddSingleton<IReconciler>(sp =>
        {
            var o = Options(sp);
            var store = sp.GetRequiredService<IRegistryStore>();

            // The host resolves the state folder: the options, else AGENT_SESSIONS_STATE_DIR (the file store takes an empty one for none).
            var stateDirectory = o.Reconciler.StateDirectory ?? Environment.GetEnvironmentVariable(ReconcilerOptions.StateDirectoryEnvironmentVariable);
            return new DefaultReconciler(
                store,
                sp.GetRequiredService<ISessionProbe>(),
                o.Reconciler,
                sp.GetService<TimeProvider>(),
                sp.GetService<ILoggerFactory>(),
                sp.GetService<IDriftStateStore>() ?? DriftStateStore.CreateFile(store.WorkspaceRoot, stateDirectory),
                sp.GetService<IMeterFactory>());
        });
        return services;

        static AgentSessionsReconcileOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<AgentSessionsReconcileOptions>>().Value;
    }
}
