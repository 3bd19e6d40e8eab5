using AgentSessions.Reconcile;
using AgentSessions.Reconcile.Hermes;
using AgentSessions.Reconcile.Hermes.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds a Hermes kanban gateway (<see cref="IKanbanGateway"/>) to a service collection.</summary>
public static class HermesKanbanServiceCollectionExtensions
{
    /// <summary>
    /// Adds an <see cref="IKanbanGateway"/> that talks to the Hermes board (the SQLite or the CLI
    /// gateway, by <see cref="HermesKanbanOptions.Gateway"/>) when none is registered yet, plus
    /// <see cref="TimeProvider.System"/> when no clock is registered. Options are validated when the
    /// gateway is resolved, which the monitor (<c>AddAgentSessionsMonitor</c>) does when the host
    /// starts: a missing task (no <see cref="HermesKanbanOptions.TaskId"/>, no
    /// <c>HERMES_KANBAN_TASK</c>), a bad board slug or a non-positive timeout stops the host with one
    /// sentence saying what to set (exit code 78), not the first pass.
    /// Safe to call more than once: every <paramref name="configure"/> runs, in order.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddHermesKanbanGateway(this IServiceCollection services, Action<HermesKanbanOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<HermesKanbanOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Adds the same services as <see cref="AddHermesKanbanGateway(IServiceCollection, Action{HermesKanbanOptions})"/>,
    /// with options bound from a configuration section (for example <c>Hermes</c> with keys
    /// <c>Gateway</c> (<c>Sqlite</c> or <c>Cli</c>), <c>TaskId</c>, <c>Board</c>, <c>BusyTimeout</c>, <c>CommandTimeout</c>).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddHermesKanbanGateway(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<HermesKanbanOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HermesKanbanOptions>, HermesKanbanOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<HermesKanbanOptions>>().Value;
            var time = sp.GetService<TimeProvider>();
            return o.Gateway == HermesKanbanGatewayKind.Cli
                ? HermesKanban.CreateCliGateway(o, time)
                : HermesKanban.CreateSqliteGateway(o, time, sp.GetService<ILoggerFactory>());
        });
        return services;
    }
}
