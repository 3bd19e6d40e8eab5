using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

public sealed class MqttTriggerServiceTests
{
    [Fact]
    public async Task AddReconcileMqttTrigger_VerifiedEvent_IsAPassOfTheHostsLoop()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", "tok-1-secret"));
        var services = new ServiceCollection();
        services.AddSingleton(workspace.Store);
        services.AddSingleton(workspace.Reconciler);
        services.AddReconcileMqttTrigger(o =>
        {
            o.Broker = broker.Url;
            o.ClientId = "t-di";
        });
        services.AddReconcileMqttTrigger(o => o.ReconnectDelay = TimeSpan.FromMilliseconds(100)); // TryAdd: still one service
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().Should().ContainSingle().Subject;
        var loop = provider.GetRequiredService<ReconcileLoop>();
        var reports = new ConcurrentQueue<DriftReport>();
        using var stop = new CancellationTokenSource();
        var passes = loop.RunAsync(
            async (request, ct) =>
            {
                reports.Enqueue(await loop.ReconcileAsync(request, ct));
                return TimeSpan.FromMinutes(10);
            },
            null,
            stop.Token);
        await hosted.StartAsync(CancellationToken.None);

        // The subscription is in place once a published event arrives: publish until one does (bounded).
        await MonitorRunner.EventuallyAsync(
            () =>
            {
                if (!reports.Any(r => r.Events.Count > 0))
                {
                    SubscriberEndToEndTests.PublishAsync(broker, "j-1", "completed", seq: reports.Count + 1).GetAwaiter().GetResult();
                }

                return reports.Any(r => r.Events.Count > 0);
            },
            "a pass carrying the event",
            passes);

        workspace.RegistryText.Should().Contain("termination_mode: job-completed");
        await hosted.StopAsync(CancellationToken.None);
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => passes).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task AddReconcileMqttTrigger_KillOnTerminalInAHost_KillsTheSessionTheVerifiedEventEnded()
    {
        // Was ignored inside a host (only the CLI's passes killed): the trigger now kills when it records the event.
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", "tok-1-secret"));
        var socket = "asr-kill-" + Guid.NewGuid().ToString("N")[..12];
        var tmux = new TmuxClient(socketName: socket);
        (await tmux.NewSessionAsync(PushWorkspace.Session, workspace.Root, ["sleep", "600"])).Succeeded.Should().BeTrue();
        try
        {
            var services = new ServiceCollection();
            services.AddSingleton(workspace.Store);
            services.AddSingleton(workspace.Reconciler);
            services.AddReconcileMqttTrigger(o =>
            {
                o.Broker = broker.Url;
                o.ClientId = "t-di-kill";
                o.KillOnTerminal = true;
                o.TmuxSocketName = socket;
            });
            await using var provider = services.BuildServiceProvider();
            var hosted = provider.GetServices<IHostedService>().Should().ContainSingle().Subject;
            var loop = provider.GetRequiredService<ReconcileLoop>();
            using var stop = new CancellationTokenSource();
            var passes = loop.RunAsync(async (request, ct) => (await loop.ReconcileAsync(request, ct)).RequeueAfter, null, stop.Token);
            await hosted.StartAsync(CancellationToken.None);

            var seq = 0;
            await MonitorRunner.EventuallyAsync(
                () =>
                {
                    if (!workspace.RegistryText.Contains("termination_mode: job-completed", StringComparison.Ordinal))
                    {
                        SubscriberEndToEndTests.PublishAsync(broker, "j-1", "completed", seq: ++seq).GetAwaiter().GetResult();
                    }

                    return !tmux.DisplayAsync(PushWorkspace.Session, "#{pane_pid}").GetAwaiter().GetResult().Succeeded;
                },
                "the session killed after the recorded terminal event",
                passes);

            await hosted.StopAsync(CancellationToken.None);
            await stop.CancelAsync();
            await FluentActions.Awaiting(() => passes).Should().ThrowAsync<OperationCanceledException>();
        }
        finally
        {
            await tmux.KillServerAsync();
        }
    }

    [Fact]
    public void AddReconcileMqttTrigger_InvalidBroker_FailsValidationNamingIt()
    {
        var services = new ServiceCollection();
        services.AddReconcileMqttTrigger(o => o.Broker = "http://example.invalid");
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<MqttTriggerOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage("*'http://example.invalid' is not mqtt://host:port or mqtts://host:port*");
    }

    [Fact]
    public void AddReconcileMqttTrigger_CaFileHoldingAKey_FailsValidationNamingIt()
    {
        using var certificates = new TestCertificates();
        var services = new ServiceCollection();
        services.AddReconcileMqttTrigger(o => (o.Broker, o.CaFile) = ("mqtts://localhost:8883", certificates.ServerKeyFile));
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<MqttTriggerOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().WithMessage($"*The broker CA file '{certificates.ServerKeyFile}' holds a private key, not a CA certificate*");
    }
}
