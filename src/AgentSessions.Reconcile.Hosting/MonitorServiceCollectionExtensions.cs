using AgentSessions.Reconcile;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the agent-sessions monitor (a hosted background worker) to a service collection.</summary>
public static class MonitorServiceCollectionExtensions
{
    /// <summary>
    /// Adds the agent-sessions monitor as a hosted service: a reconcile pass every interval, new
    /// drifts as one comment per pass, heartbeats, and a block when a person comments <c>stop</c>.
    /// It needs an <see cref="IReconciler"/> (for example from <c>AddAgentSessionsReconcile</c>) and
    /// an <see cref="IKanbanGateway"/>; <see cref="TimeProvider"/> defaults to the system clock. Its passes
    /// run in the <see cref="ReconcileLoop"/> singleton (added when none is registered), so other
    /// services (an MQTT trigger) can ask for a pass with <see cref="ReconcileLoop.RequestAsync"/>.
    /// Options are validated when the host starts the monitor, with those of the reconciler and the
    /// gateway it uses: options that do not validate stop the host with one critical log line
    /// saying what to set, and exit code 78 (<c>EX_CONFIG</c>), not an exception. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddAgentSessionsMonitor(this IServiceCollection services, Action<MonitorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<MonitorOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MonitorOptions>, MonitorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ReconcileLoop(sp.GetRequiredService<IReconciler>(), sp.GetService<IRegistryStore>(), sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MonitorService>());
        return services;
    }
}
