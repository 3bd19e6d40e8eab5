using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile;

/// <summary>
/// The hosted monitor. It builds its <see cref="MonitorWorker"/> from the container when the host
/// starts, which validates the options of everything the monitor uses (the reconciler's, the
/// gateway's, its own): options that do not validate (no <c>HERMES_KANBAN_TASK</c>, a zero interval)
/// stop the host politely (<see cref="CheckedBackgroundService"/>).
/// </summary>
internal sealed class MonitorService(IServiceProvider services) : CheckedBackgroundService(services, "the agent-sessions monitor")
{
    private MonitorWorker? _worker;

    protected override void Build()
    {
        // Options first, the card's before the registry's: nothing is touched when one is invalid.
        var options = Services.GetRequiredService<IOptions<MonitorOptions>>();
        _ = options.Value;
        var gateway = Services.GetRequiredService<IKanbanGateway>();
        _worker = new MonitorWorker(
            gateway,
            options,
            Services.GetRequiredService<TimeProvider>(),
            Services.GetRequiredService<ILogger<MonitorWorker>>(),
            Services.GetRequiredService<IHostApplicationLifetime>(),
            Services.GetRequiredService<ReconcileLoop>()); // and so the reconciler, whose options are checked here too
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _worker!.RunAsync(stoppingToken);
}
