using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// The hosted push trigger: each verified event is recorded through the host's <see cref="ReconcileLoop"/>
/// (the fact first, then a pass). Its options (and the reconciler's) are resolved when the host starts it:
/// options that do not validate stop the host politely (<see cref="CheckedBackgroundService"/>).
/// </summary>
internal sealed class MqttTriggerService(IServiceProvider services) : CheckedBackgroundService(services, "the agent-sessions MQTT trigger")
{
    private MqttPushMonitor? _monitor;

    public override void Dispose()
    {
        _monitor?.Dispose();
        base.Dispose();
    }

    protected override void Build() =>
        _monitor = new MqttPushMonitor(
            Services.GetRequiredService<IReconciler>(),
            Services.GetRequiredService<IRegistryStore>(),
            Services.GetRequiredService<IOptions<MqttTriggerOptions>>().Value,
            Services.GetService<TimeProvider>(),
            Services.GetService<ILoggerFactory>(),
            Services.GetService<IMeterFactory>(),
            Services.GetRequiredService<ReconcileLoop>());

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
}

/// <summary>Checks <see cref="MqttTriggerOptions"/> when the trigger starts.</summary>
internal sealed class MqttTriggerOptionsValidator : IValidateOptions<MqttTriggerOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttTriggerOptions options) =>
        options.Validate() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
