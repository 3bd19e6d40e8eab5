using System.Diagnostics;
using AgentSessions.Reconcile.Mqtt.Tests.Subscribing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentSessions.Reconcile.Mqtt.Tests.Fleet;

public sealed class FleetStatusServiceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AddReconcileFleetStatus_PublishesTheStatusJsonAndEachPassOfTheHostsReconciler()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", "tok-di-secret"));
        var services = new ServiceCollection();
        services.AddSingleton(workspace.Store);
        services.AddSingleton<ISessionProbe>(workspace.Probe);
        services.AddSingleton(workspace.Reconciler);
        services.AddReconcileFleetStatus(o =>
        {
            o.HostId = "h-di";
            o.ApplyEnvironment(name => name == FleetPublisherOptions.KeyEnvironmentVariable ? "di-key" : null);
            o.Connection.Broker = broker.Url;
        });
        services.AddReconcileFleetStatus(_ => { }); // still one service, one wrapper
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetServices<IHostedService>().Should().ContainSingle().Which.Should().BeOfType<FleetStatusService>().Subject;
        var reconciler = provider.GetRequiredService<IReconciler>().Should().BeOfType<PassObservingReconciler>().Subject;
        await service.StartAsync(CancellationToken.None);
        try
        {
            await WaitAsync(() => service.Publisher is { PublishedCount: >= 1 }, "the status on connect");
            await reconciler.ReconcileAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Manual });
            await WaitAsync(() => service.Publisher!.PublishedCount >= 2, "the status after the host's pass");

            var fleet = await ReadUntilAsync(new FleetReaderOptions { Key = "di-key", Connection = { Broker = broker.Url } }, f => f.Hosts is [{ Online: true, Workspaces.Count: 1 }]);
            var host = fleet.Hosts.Should().ContainSingle().Subject;
            host.Host.Should().Be("h-di");
            host.Online.Should().BeTrue();
            var status = host.Workspaces.Should().ContainSingle().Subject;
            status.Workspace.Should().Be("lab");
            status.Status.GetProperty("sessions")[0].GetProperty("name").GetString().Should().Be(PushWorkspace.Session);
            status.Status.GetRawText().Should().NotContain("tok-di-secret");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task FleetStatusService_RegistryUnreadableAtStart_WaitsForItAndKeepsTheHost()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", "tok"));
        var good = workspace.RegistryText;
        File.WriteAllText(workspace.RegistryPath, "sessions: [unclosed\n");
        var time = new ArmedClock();
        var services = new ServiceCollection();
        services.AddSingleton(workspace.Store);
        services.AddSingleton<ISessionProbe>(workspace.Probe);
        services.AddSingleton(workspace.Reconciler);
        services.AddSingleton<TimeProvider>(time);
        services.AddReconcileFleetStatus(o =>
        {
            o.HostId = "h-unreadable";
            o.ApplyEnvironment(name => name == FleetPublisherOptions.KeyEnvironmentVariable ? "k" : null);
            o.Connection.Broker = broker.Url;
        });
        await using var provider = services.BuildServiceProvider();
        var service = provider.GetServices<IHostedService>().OfType<FleetStatusService>().Single();
        await service.StartAsync(CancellationToken.None);
        try
        {
            // A registry that does not parse: the service waits to read it again (its task does not end: the host runs on).
            await time.WaitArmedAsync(time.GetUtcNow() + TimeSpan.FromSeconds(10), "the registry's next read", failFast: service.ExecuteTask);
            service.ExecuteTask!.IsCompleted.Should().BeFalse("an unreadable registry must not end the service or its host");
            service.Publisher.Should().BeNull();

            File.WriteAllText(workspace.RegistryPath, good);
            time.Advance(TimeSpan.FromSeconds(10));
            await WaitAsync(() => service.Publisher is { PublishedCount: >= 1 }, "the status once the registry reads");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Reader_SignedButMalformedStatuses_RejectedNotThrown()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var publisher = new MQTTnet.MqttClientFactory().CreateMqttClient();
        await publisher.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).Build());
        // Each signed with the right key, on the topic of its own workspace (w0 … w3), yet not a status.
        string[] bodies =
        [
            """{"host":"h1","workspace":"w0","published_at":"2026-12-07T17:00:00Z","interval":"60","sessions":[]}""",
            """{"host":"h1","workspace":"w1","published_at":"yesterday","interval":60,"sessions":[]}""",
            """{"host":"h1","workspace":"w2","published_at":"2026-12-07T17:00:00Z","interval":60,"sessions":{}}""",
            """{"host":"h1","workspace":"another","published_at":"2026-12-07T17:00:00Z","interval":60,"sessions":[]}""",
        ];
        for (var n = 0; n < bodies.Length; n++)
        {
            await publisher.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder()
                .WithTopic($"agent-sessions/fleet/hosts/h1/workspaces/w{n.ToString(System.Globalization.CultureInfo.InvariantCulture)}/status")
                .WithPayload(FleetWire.Sign(System.Text.Encoding.UTF8.GetBytes(bodies[n]), "k")).WithRetainFlag(true).Build());
        }

        var fleet = await ReadUntilAsync(new FleetReaderOptions { Key = "k", Connection = { Broker = broker.Url } }, f => f.Hosts.Count + f.Rejected >= 4);

        fleet.Hosts.Should().BeEmpty();
        fleet.Rejected.Should().Be(4);
    }

    [Fact]
    public void AddReconcileFleetStatus_BeforeAnyReconciler_SaysWhatToCallFirst()
    {
        var act = () => new ServiceCollection().AddReconcileFleetStatus(_ => { });

        act.Should().Throw<InvalidOperationException>().WithMessage("Call AddAgentSessionsReconcile*before AddReconcileFleetStatus*");
    }

    /// <summary>
    /// Reads the fleet until <paramref name="complete"/> holds (bounded): a read gathers until the broker has been
    /// quiet for 200 ms, which a loaded machine can reach before the last retained message came.
    /// </summary>
    private static async Task<FleetSnapshot> ReadUntilAsync(FleetReaderOptions options, Func<FleetSnapshot, bool> complete)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var fleet = await new FleetReader(options).ReadAsync();
            if (complete(fleet) || deadline.Elapsed > Bound)
            {
                return fleet;
            }
        }
    }

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            deadline.Elapsed.Should().BeLessThan(Bound, "waiting for " + what);
            await Task.Delay(20); // a bounded poll on a condition
        }
    }
}
