using Microsoft.Extensions.DependencyInjection;
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
        // Options first, then the card's gateway, then the loop (and so the reconciler): nothing is touched when one is invalid.
        _ = Services.GetRequiredService<IOptions<MonitorOptions>>().Value;
        _worker = ActivatorUtilities.CreateInstance<MonitorWorker>(Services);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _worker!.RunAsync(stoppingToken);
}
