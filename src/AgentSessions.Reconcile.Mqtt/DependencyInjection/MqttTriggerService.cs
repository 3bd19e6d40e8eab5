using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// The hosted push trigger: verified events become requests to the host's <see cref="ReconcileLoop"/>.
/// Its options (and the reconciler's) are resolved when the host starts it: options that do not
/// validate stop the host with one critical log line saying what to set and exit code 78
/// (<c>EX_CONFIG</c>), as the monitor does, instead of an exception out of <c>RunAsync</c>.
/// </summary>
internal sealed partial class MqttTriggerService(IServiceProvider services, IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    /// <summary>The process exit code when the options do not validate (the monitor's too).</summary>
    internal const int InvalidOptionsExitCode = 78;

    private MqttPushMonitor? _monitor;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var loggerFactory = services.GetService<ILoggerFactory>();
        try
        {
            _monitor = new MqttPushMonitor(
                services.GetRequiredService<IReconciler>(),
                services.GetRequiredService<IRegistryStore>(),
                services.GetRequiredService<IOptions<MqttTriggerOptions>>().Value,
                services.GetService<TimeProvider>(),
                loggerFactory,
                services.GetService<IMeterFactory>(),
                services.GetRequiredService<ReconcileLoop>());
        }
        catch (OptionsValidationException e) when (lifetime is not null)
        {
            LogInvalidOptions((loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MqttTriggerService>(), e.Message);
            Environment.ExitCode = InvalidOptionsExitCode;
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _monitor?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _monitor!.TriggerAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(30, LogLevel.Critical, "The agent-sessions MQTT trigger cannot start: {Problems}")]
    private static partial void LogInvalidOptions(ILogger logger, string problems);
}

/// <summary>Checks <see cref="MqttTriggerOptions"/> when the trigger starts.</summary>
internal sealed class MqttTriggerOptionsValidator : IValidateOptions<MqttTriggerOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttTriggerOptions options) =>
        options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
