using MQTTnet;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

/// <summary>Coalescing, TLS and the run's time limits (fake clock), with a real mosquitto where a broker is needed.</summary>
public sealed class MonitorBehaviourTests
{
    private const string Token = "tok-1-secret";

    [Fact]
    public async Task RunAsync_BurstOfFiftyEventsDuringAPass_OneMorePassAtMostOneWrite()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", Token));
        var gated = new GatedReconciler(workspace.Reconciler);
        var monitor = new MqttPushMonitor(gated, workspace.Store, MonitorRunner.Options(broker.Url, "t-burst"));
        using var stop = new CancellationTokenSource();
        var statuses = new List<string>();
        var reported = new List<int>();
        var run = Task.Run(() => monitor.RunAsync(
            new MqttMonitorRun
            {
                IdleTimeout = TimeSpan.Zero,
                OnBrokerStatus = s => { lock (statuses) { statuses.Add(s); } },
                OnReport = (report, _) =>
                {
                    lock (reported)
                    {
                        reported.Add(report.Events.Count);
                    }

                    return Task.CompletedTask;
                },
            },
            stop.Token));
        int Reported()
        {
            lock (reported)
            {
                return reported.Sum();
            }
        }

        await MonitorRunner.EventuallyAsync(() => monitor.IsConnected, "connected", run);

        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("t-burst-publisher").Build());
        var publisher = new JobEventPublisher(client, new JobEventPublisherOptions { TopicPrefix = "agent-sessions/lab", JobId = "j-1", Session = PushWorkspace.Session, AuthToken = Token, FirstSequence = 1 });
        for (var i = 0; i < 49; i++)
        {
            await publisher.PublishAsync(JobEventType.Progress);
        }

        await publisher.PublishAsync(JobEventType.Completed);
        // Released only once all 50 were recorded with their pass asked for: the completed event's fact is on disk
        // before its request (a folder fsync between), and a request made after the held pass ended is one pass more.
        await MonitorRunner.EventuallyAsync(
            () => gated.EventPasses == 1 && monitor.RecordedCount == 50 && workspace.RegistryText.Contains("termination_mode: job-completed", StringComparison.Ordinal),
            "the first event pass held while the rest wait; the completed event's fact recorded without a pass",
            run);
        gated.Release();
        await MonitorRunner.EventuallyAsync(() => Reported() == 50 && gated.Finished == gated.Started, "every event reported by a pass", run);

        gated.EventPasses.Should().BeLessThanOrEqualTo(2, "the events that arrived during the held pass are one more pass");
        lock (reported)
        {
            reported.Count(n => n > 0).Should().BeLessThanOrEqualTo(2);
        }

        gated.Writes.Should().Be(0, "the completed event's fact was recorded by the trigger, and the passes find nothing to write");
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
        monitor.Dispose();
    }

    [Fact]
    public async Task RunAsync_TlsWithTheRightCa_Subscribes()
    {
        using var certificates = new TestCertificates();
        await using var broker = await MosquittoBroker.StartAsync(certificates);
        using var workspace = new PushWorkspace(("j-1", Token));
        var options = MonitorRunner.Options(broker.Url, "t-tls");
        options.CaFile = certificates.CaFile;

        await using var runner = new MonitorRunner(workspace, options);

        await runner.WaitForStatusAsync("subscribed to agent-sessions/lab/jobs/+/events on mqtts://localhost:");
    }

    [Fact]
    public async Task RunAsync_TlsWithoutCa_FailsWithOneClearSentence()
    {
        using var certificates = new TestCertificates();
        await using var broker = await MosquittoBroker.StartAsync(certificates);
        using var workspace = new PushWorkspace(("j-1", Token));

        await using var runner = new MonitorRunner(workspace, MonitorRunner.Options(broker.Url, "t-tls-none"));

        await runner.WaitForStatusAsync("cannot use the broker");
        runner.Statuses.Should().ContainSingle().Which.Should().Be(
            $"cannot use the broker {broker.Url}: TLS failed: the broker's TLS certificate is not trusted by the system's CAs (give the broker's CA with --broker-ca FILE); polling every 1 s while reconnecting.");
    }

    [Fact]
    public async Task RunAsync_TlsWithAnotherCa_FailsNamingTheCaFile()
    {
        using var certificates = new TestCertificates();
        using var other = new TestCertificates();
        await using var broker = await MosquittoBroker.StartAsync(certificates);
        using var workspace = new PushWorkspace(("j-1", Token));
        var options = MonitorRunner.Options(broker.Url, "t-tls-wrong");
        options.CaFile = other.CaFile;

        await using var runner = new MonitorRunner(workspace, options);

        await runner.WaitForStatusAsync("cannot use the broker");
        runner.Statuses.Should().ContainSingle().Which.Should().Contain($"TLS failed: the broker's TLS certificate is not signed by the CA in '{other.CaFile}'");
    }

    [Fact]
    public async Task RunAsync_TlsToAPlainMqttPort_SaysTheHandshakeFailedNotUnreachable()
    {
        await using var broker = await MosquittoBroker.StartAsync(); // plain MQTT, no TLS listener
        using var workspace = new PushWorkspace(("j-1", Token));

        await using var runner = new MonitorRunner(workspace, MonitorRunner.Options($"mqtts://localhost:{broker.Port}", "t-tls-plain"));

        await runner.WaitForStatusAsync("cannot use the broker");
        runner.Statuses.Should().ContainSingle().Which.Should()
            .Contain("the TLS handshake failed").And.Contain("may not speak TLS").And.NotContain("unreachable");
    }

    [Fact]
    public async Task RunAsync_TimeoutWithBrokerDown_EndsAtTheTimeoutAfterPollingNotIdle()
    {
        await using var broker = MosquittoBroker.Create();
        using var workspace = new PushWorkspace(("j-1", Token));
        var time = new ArmedClock();
        var options = MonitorRunner.Options(broker.Url, "t-timeout");
        options.FallbackPollInterval = TimeSpan.FromSeconds(15);
        var started = time.GetUtcNow();
        await using var runner = new MonitorRunner(workspace, options, new MqttMonitorRun { Timeout = TimeSpan.FromSeconds(60), IdleTimeout = TimeSpan.FromSeconds(10) }, time);
        await runner.WaitForStatusAsync("cannot use the broker");

        // The clock moves to each poll once the pass before it reported and armed its wait (an idle timeout
        // counted while disconnected would end the run at 10 s, before the second poll).
        for (var pass = 1; pass <= 4; pass++)
        {
            var count = pass;
            await time.WaitArmedAsync(started.AddSeconds(15 * pass), $"pass {pass} reported and the next poll armed", runner.Run, () => runner.Reports.Count >= count);
            time.Advance(TimeSpan.FromSeconds(15));
        }

        // At 60 s, and not moved past it: the run ends at the timeout.
        var exit = await runner.Run.WaitAsync(TimeSpan.FromSeconds(60));

        exit.Should().Be(MqttMonitorExit.TimedOut, "the idle timeout counts only while connected");
        (time.GetUtcNow() - started).Should().Be(TimeSpan.FromSeconds(60));
        runner.Reports.Count.Should().BeInRange(4, 5, "a pass at start and one every 15 s until 60 s");
    }

    [Fact]
    public async Task RunAsync_IdleTimeout_EndsAfterIdleSecondsAndAMessageRestartsTheCount()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", Token));
        var time = new ArmedClock();
        var started = time.GetUtcNow();
        var options = MonitorRunner.Options(broker.Url, "t-idle");
        options.PollInterval = TimeSpan.FromMinutes(30); // the passes' waits end at no instant the idle waits do
        await using var runner = new MonitorRunner(workspace, options, new MqttMonitorRun { IdleTimeout = TimeSpan.FromSeconds(600) }, time);
        await runner.WaitForStatusAsync("subscribed");
        await time.WaitArmedAsync(started.AddSeconds(600), "the idle wait from the subscription", runner.Run);

        time.Advance(TimeSpan.FromSeconds(500));
        await SubscriberEndToEndTests.PublishAsync(broker, "j-1", "progress", seq: 1, ts: time.GetUtcNow().ToUnixTimeMilliseconds());
        await runner.WaitForEventAsync("j-1", 1);

        // Without the restart, the wait would still end at 600 s (and the run there).
        await time.WaitArmedAsync(started.AddSeconds(1100), "the idle wait restarted by the message", runner.Run);
        runner.Run.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(600));
        var exit = await runner.Run.WaitAsync(TimeSpan.FromSeconds(60));

        exit.Should().Be(MqttMonitorExit.Idle);
        (time.GetUtcNow() - started).Should().Be(TimeSpan.FromSeconds(1100));
    }

    /// <summary>Holds the first event-triggered pass until released; counts passes, events and writes.</summary>
    private sealed class GatedReconciler(IReconciler inner) : IReconciler
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _eventPasses;
        private int _started;
        private int _finished;
        private int _writes;

        public int EventPasses => Volatile.Read(ref _eventPasses);

        public int Started => Volatile.Read(ref _started);

        public int Finished => Volatile.Read(ref _finished);

        public int Writes => Volatile.Read(ref _writes);

        public void Release() => _gate.TrySetResult();

        public async Task<DriftReport> ReconcileAsync(ReconcileRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _started);
            if (request.Trigger == ReconcileTrigger.Event)
            {
                if (Interlocked.Increment(ref _eventPasses) == 1)
                {
                    await _gate.Task.WaitAsync(cancellationToken);
                }
            }

            var report = await inner.ReconcileAsync(request, cancellationToken);
            if (report.RegistryWritten)
            {
                Interlocked.Increment(ref _writes);
            }

            Interlocked.Increment(ref _finished);
            return report;
        }
    }
}
