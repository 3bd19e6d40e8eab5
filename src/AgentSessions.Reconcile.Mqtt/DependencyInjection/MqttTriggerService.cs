using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>The hosted push trigger: verified events become requests to the host's <see cref="ReconcileLoop"/>.</summary>
internal sealed class MqttTriggerService(
    IReconciler reconciler,
    IRegistryStore store,
    IOptions<MqttTriggerOptions> options,
    ReconcileLoop loop,
    TimeProvider timeProvider,
    ILoggerFactory? loggerFactory = null,
    IMeterFactory? meterFactory = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var monitor = new MqttPushMonitor(reconciler, store, options.Value, timeProvider, loggerFactory, meterFactory, loop);
        try
        {
            await monitor.TriggerAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Checks <see cref="MqttTriggerOptions"/> when the host starts.</summary>
internal sealed class MqttTriggerOptionsValidator : IValidateOptions<MqttTriggerOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttTriggerOptions options) =>
        options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
