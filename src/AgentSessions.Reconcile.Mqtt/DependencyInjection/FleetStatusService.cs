using AgentSessions.Reconcile.Cli.Output;
using AgentSessions.Reconcile.Cli.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// The hosted fleet publisher (docs/fleet.md): publishes the workspace's status, the object
/// <c>agent-sessions status --json</c> prints, after each pass the host's reconciler runs (it sees
/// them through <see cref="PassObservingReconciler"/>) and at least every heartbeat. No fleet key:
/// one warning, and nothing is published. A registry that cannot be read at start: one warning,
/// and it is read again every 10 s (the host runs on). Options that do not validate stop the host
/// with one critical log line and exit code 78, as the MQTT trigger does.
/// </summary>
internal sealed partial class FleetStatusService(IServiceProvider services, IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    private static readonly TimeSpan RegistryRetry = TimeSpan.FromSeconds(10);
    private FleetStatusPublisher? _publisher;

    /// <summary>Gets the running publisher, once started (tests).</summary>
    internal FleetStatusPublisher? Publisher => Volatile.Read(ref _publisher);

    /// <summary>The pass-completed seam: forwards to the publisher once it runs; never blocks.</summary>
    public void OnPassCompleted(DriftReport report) => Volatile.Read(ref _publisher)?.OnPassCompleted(report);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<FleetStatusService>();
        var options = services.GetRequiredService<IOptions<FleetPublisherOptions>>().Value;
        if (string.IsNullOrEmpty(options.Key))
        {
            LogNoKey(logger, FleetPublisherOptions.KeyEnvironmentVariable);
            return;
        }

        var store = services.GetRequiredService<IRegistryStore>();
        var probe = services.GetRequiredService<ISessionProbe>();
        var stateDirectory = services.GetService<IOptions<AgentSessionsReconcileOptions>>()?.Value.Reconciler.StateDirectory
            ?? (Environment.GetEnvironmentVariable(ReconcilerOptions.StateDirectoryEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
        try
        {
            var registry = await ReadableRegistryAsync(store, logger, services.GetService<TimeProvider>() ?? TimeProvider.System, stoppingToken).ConfigureAwait(false);
            var workspace = WorkspaceName(registry, store.WorkspaceRoot);
            var publisher = new FleetStatusPublisher(
                options,
                workspace,
                async ct =>
                {
                    var exists = File.Exists(store.RegistryPath);
                    var now = await store.LoadAsync(ct).ConfigureAwait(false);
                    var live = await probe.ObserveAsync(now, workspace, ct).ConfigureAwait(false);
                    var lastDrifts = CoalescingStateReader.Read(store.WorkspaceRoot, stateDirectory, workspace);
                    return StatusJsonWriter.ToUtf8(StatusBuilder.Build(now, live.Tmux, lastDrifts, workspace, store.WorkspaceRoot, store.RegistryPath, exists));
                },
                services.GetService<TimeProvider>(),
                loggerFactory);
            Volatile.Write(ref _publisher, publisher);
            await publisher.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (ArgumentException e) when (lifetime is not null)
        {
            LogInvalidOptions(logger, e.Message);
            Environment.ExitCode = MqttTriggerService.InvalidOptionsExitCode;
            lifetime.StopApplication();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The workspace's name in topics and client ids: the registry's <c>workspace</c>, else the folder's name.</summary>
    /// <summary>
    /// The registry at start, for the workspace's name (its topics). One that cannot be read now (it does not
    /// parse, or permission is denied) is said once per reason and read again every <see cref="RegistryRetry"/>:
    /// the host and the monitor beside it run on, as the monitor does when a pass cannot read it.
    /// </summary>
    private static async Task<Registry> ReadableRegistryAsync(IRegistryStore store, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        string? said = null;
        while (true)
        {
            try
            {
                return await store.LoadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException e) when (e.Message != said)
            {
                LogRegistryUnreadable(logger, e.Message);
                said = e.Message;
            }
            catch (RegistryException)
            {
            }

            await Task.Delay(RegistryRetry, time, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static string WorkspaceName(Registry registry, string root) =>
        !string.IsNullOrEmpty(registry.Workspace) ? registry.Workspace : Path.GetFileName(Path.TrimEndingDirectorySeparator(root));

    [LoggerMessage(31, LogLevel.Critical, "The agent-sessions fleet publisher cannot start: {Problems}")]
    private static partial void LogInvalidOptions(ILogger logger, string problems);

    [LoggerMessage(33, LogLevel.Warning, "The agent-sessions fleet publisher waits for a readable registry (read again every 10 s): {Problem}")]
    private static partial void LogRegistryUnreadable(ILogger logger, string problem);

    [LoggerMessage(32, LogLevel.Warning, "Not publishing the status to the fleet: no fleet key (set ${Variable} and call ApplyEnvironment, or set Key)")]
    private static partial void LogNoKey(ILogger logger, string variable);
}

/// <summary>The one seam the fleet needs in any pass driver: the host's reconciler, telling the publisher about each pass it completed.</summary>
internal sealed class PassObservingReconciler(IReconciler inner, FleetStatusService observer) : IReconciler
{
    public async Task<DriftReport> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
    {
        var report = await inner.ReconcileAsync(request, cancellationToken).ConfigureAwait(false);
        observer.OnPassCompleted(report);
        return report;
    }
}
