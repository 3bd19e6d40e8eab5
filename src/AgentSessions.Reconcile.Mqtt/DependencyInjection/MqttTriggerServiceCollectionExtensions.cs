using AgentSessions.Reconcile;
using AgentSessions.Reconcile.Mqtt;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds push monitoring over MQTT to a host.</summary>
public static class MqttTriggerServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted service that subscribes to <c>{prefix}/jobs/+/events</c>, verifies each event and asks
    /// the host's <see cref="ReconcileLoop"/> for a pass carrying it (a burst is one pass). It needs an
    /// <see cref="IReconciler"/> and an <see cref="IRegistryStore"/> (for example from <c>AddAgentSessionsReconcile</c>);
    /// the loop and <see cref="TimeProvider"/> are added when none is registered. The environment is not
    /// read: call <see cref="MqttTriggerOptions.ApplyEnvironment"/> in <paramref name="configure"/> for the
    /// <c>AGENT_SESSIONS_BROKER*</c> variables. Options are validated when the host starts the trigger: options
    /// that do not validate stop the host with one critical log line saying what to set and exit code 78
    /// (<c>EX_CONFIG</c>), not an exception. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddReconcileMqttTrigger(this IServiceCollection services, Action<MqttTriggerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<MqttTriggerOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Adds the same service as <see cref="AddReconcileMqttTrigger(IServiceCollection, Action{MqttTriggerOptions})"/>,
    /// with options bound from a configuration section (keys as the option names: <c>Broker</c>, <c>CaFile</c>, <c>TopicPrefix</c> …).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddReconcileMqttTrigger(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MqttTriggerOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MqttTriggerOptions>, MqttTriggerOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ReconcileLoop(sp.GetRequiredService<IReconciler>(), sp.GetService<IRegistryStore>(), sp.GetService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MqttTriggerService>());
        return services;
    }
}
