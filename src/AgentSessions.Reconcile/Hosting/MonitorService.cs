using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile;

/// <summary>
/// The hosted monitor. It builds its <see cref="MonitorWorker"/> from the container when the host
/// starts, which validates the options of everything the monitor uses (the reconciler's, the
/// gateway's, its own). Options that do not validate (no <c>HERMES_KANBAN_TASK</c>, a zero
/// interval) stop the host with one critical log line saying what to set and exit code
/// <see cref="InvalidOptionsExitCode"/>, instead of an exception out of <c>RunAsync</c>.
/// </summary>
internal sealed partial class MonitorService(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<MonitorService> logger)
    : BackgroundService
{
    /// <summary>The process exit code when the options do not validate: 78, <c>EX_CONFIG</c> of sysexits.h.</summary>
    internal const int InvalidOptionsExitCode = 78;

    private MonitorWorker? _worker;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Options first, the card's before the registry's: nothing is touched when one is invalid.
            var options = services.GetRequiredService<IOptions<MonitorOptions>>();
            _ = options.Value;
            var gateway = services.GetRequiredService<IKanbanGateway>();
            _worker = new MonitorWorker(
                services.GetRequiredService<IReconciler>(),
                gateway,
                options,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILogger<MonitorWorker>>(),
                lifetime,
                services.GetRequiredService<ReconcileLoop>());
        }
        catch (OptionsValidationException e)
        {
            LogInvalidOptions(logger, e.Message);
            Environment.ExitCode = InvalidOptionsExitCode;
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _worker!.RunAsync(stoppingToken);

    [LoggerMessage(13, LogLevel.Critical, "The agent-sessions monitor cannot start: {Problems}")]
    private static partial void LogInvalidOptions(ILogger logger, string problems);
}
