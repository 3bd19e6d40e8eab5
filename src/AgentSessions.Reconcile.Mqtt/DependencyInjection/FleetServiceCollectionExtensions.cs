using AgentSessions.Reconcile;
using AgentSessions.Reconcile.Mqtt;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds fleet status publishing over MQTT to a host (docs/fleet.md).</summary>
public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted service that publishes the workspace's status to the fleet after each pass of the
    /// host's <see cref="IReconciler"/> (whatever runs it: the monitor, the MQTT trigger) and at least every
    /// heartbeat. Call it after <c>AddAgentSessionsReconcile</c> (or your own <see cref="IReconciler"/>
    /// registration): it wraps that registration to see the passes. The environment is not read: call
    /// <see cref="FleetPublisherOptions.ApplyEnvironment"/> in <paramref name="configure"/> for
    /// <c>AGENT_SESSIONS_FLEET_KEY</c> and the <c>AGENT_SESSIONS_BROKER*</c> variables. Without a key nothing
    /// is published (one warning). Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="IReconciler"/> is registered yet.</exception>
    public static IServiceCollection AddReconcileFleetStatus(this IServiceCollection services, Action<FleetPublisherOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<FleetPublisherOptions>().Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(FleetStatusService)))
        {
            return services;
        }

        var inner = services.LastOrDefault(d => d.ServiceType == typeof(IReconciler) && !d.IsKeyedService)
            ?? throw new InvalidOperationException("Call AddAgentSessionsReconcile (or register an IReconciler) before AddReconcileFleetStatus: the fleet publisher observes its passes.");
        if (inner.ImplementationInstance is null && inner.ImplementationFactory is null)
        {
            throw new InvalidOperationException("Register the IReconciler with an instance or a factory for AddReconcileFleetStatus to observe its passes.");
        }

        services.Remove(inner);
        services.AddSingleton<FleetStatusService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<FleetStatusService>());
        services.AddSingleton<IReconciler>(sp => new PassObservingReconciler(
            (IReconciler)(inner.ImplementationInstance ?? inner.ImplementationFactory!(sp)),
            sp.GetRequiredService<FleetStatusService>()));
        return services;
    }
}
