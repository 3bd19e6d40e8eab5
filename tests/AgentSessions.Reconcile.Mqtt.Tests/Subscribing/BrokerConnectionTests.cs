using Microsoft.Extensions.Logging.Abstractions;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

/// <summary>The connection loop's own edges, against a port with no broker.</summary>
public sealed class BrokerConnectionTests
{
    [Fact]
    public async Task RunAsync_StoppedWhileAConnectAttemptFails_EndsQuietly()
    {
        // The CI race, made certain: the stop lands while a connect attempt is in flight, and the attempt
        // then fails with its own error (connection refused) rather than a cancellation.
        await using var broker = MosquittoBroker.Create();
        using var stop = new CancellationTokenSource();
        await using var connection = new BrokerConnection(
            MonitorRunner.Options(broker.Url, "t-stop-in-connect"), [], "t-stop-in-connect", _ => Task.CompletedTask, _ => { }, TimeProvider.System, NullLogger.Instance);
        connection.Client.ConnectingAsync += _ =>
        {
            stop.Cancel();
            throw new InvalidOperationException("connect failed after the stop");
        };

        var run = connection.RunAsync(stop.Token);

        await run.Invoking(r => r.WaitAsync(TimeSpan.FromMinutes(1))).Should().NotThrowAsync();
    }
}
