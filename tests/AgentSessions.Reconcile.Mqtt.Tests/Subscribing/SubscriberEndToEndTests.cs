using System.Diagnostics;
using System.Text;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

/// <summary>Push monitoring through a real mosquitto, events published by the contract's Python publisher.</summary>
public sealed class SubscriberEndToEndTests
{
    private const string Token = "tok-1-secret";

    [Fact]
    public async Task RunAsync_SignEventPyCompletedThroughMosquitto_TerminatesRowWithJobCompleted()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", Token));
        await using var runner = new MonitorRunner(workspace, MonitorRunner.Options(broker.Url, "t-interop"));
        await runner.WaitForStatusAsync("subscribed to agent-sessions/lab/jobs/+/events");

        await PublishAsync(broker, "j-1", "completed", seq: 3);
        await runner.WaitForEventAsync("j-1", 3);

        var text = workspace.RegistryText;
        text.Should().Contain("termination_mode: job-completed").And.Contain("status: completed").And.Contain("status: terminated");
        var report = runner.Reports.Single(r => r.Events.Count > 0);
        var e = report.Events.Should().ContainSingle().Subject;
        (e.JobId, e.Session, e.Type, e.Sequence, e.Applied).Should().Be(("j-1", PushWorkspace.Session, "completed", 3L, true), "recording the event wrote the registry");
    }

    [Fact]
    public async Task RunAsync_AdversarialEventsThroughMosquitto_RegistryByteIdentical()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", Token), ("j-2", "other-token"), ("j-3", string.Empty));
        var before = File.ReadAllBytes(workspace.RegistryPath);
        await using var runner = new MonitorRunner(workspace, MonitorRunner.Options(broker.Url, "t-adversarial"));
        await runner.WaitForStatusAsync("subscribed");

        // Forged signature (wrong token), another job's token, unknown job, stale, future, then a replay of an accepted event.
        await PublishAsync(broker, "j-1", "completed", seq: 5, token: "forged");
        await PublishAsync(broker, "j-1", "completed", seq: 5, token: "other-token");
        await PublishAsync(broker, "j-9", "completed", seq: 5);
        await PublishAsync(broker, "j-1", "completed", seq: 5, ts: DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds());
        await PublishAsync(broker, "j-1", "completed", seq: 5, ts: DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());

        // A job without a token, a payload naming j-1 signed with j-2's token on j-2's topic (the topic names the key), raw garbage, an oversized and a deep payload.
        var (_, noToken) = await SignEventScript.SignAsync("--token", "x", "--job", "j-3", "--session", PushWorkspace.Session, "--type", "completed", "--workspace", "lab");
        await RawPublishAsync(broker, "agent-sessions/lab/jobs/j-3/events", noToken);
        var (_, forJob1) = await SignEventScript.SignAsync("--token", "other-token", "--job", "j-1", "--session", PushWorkspace.Session, "--type", "completed", "--seq", "6", "--workspace", "lab");
        await RawPublishAsync(broker, "agent-sessions/lab/jobs/j-2/events", forJob1);
        await RawPublishAsync(broker, "agent-sessions/lab/jobs/j-1/events", Encoding.UTF8.GetBytes("not json"));
        await RawPublishAsync(broker, "agent-sessions/lab/jobs/j-1/events", Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 70 * 1024) + "\"}"));
        await RawPublishAsync(broker, "agent-sessions/lab/jobs/j-1/events", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)));

        // A verified progress event last: once its pass ran, every message before it was handled.
        await PublishAsync(broker, "j-1", "progress", seq: 7);
        await runner.WaitForEventAsync("j-1", 7);

        File.ReadAllBytes(workspace.RegistryPath).Should().Equal(before);
        runner.Reports.SelectMany(r => r.Events).Should().ContainSingle(e => e.Type == "progress");
        runner.Monitor.Drops.Values.Sum().Should().Be(10);
        runner.Monitor.Drops.Keys.Should().Contain([DropReason.BadSignature, DropReason.UnknownJob, DropReason.Stale, DropReason.Future, DropReason.NoToken, DropReason.TopicMismatch, DropReason.Oversized]);
    }

    [Fact]
    public async Task RunAsync_BrokerDownAtStart_PollsThenPushResumesWhenItComes()
    {
        await using var broker = MosquittoBroker.Create();
        using var workspace = new PushWorkspace(("j-1", Token));
        await using var runner = new MonitorRunner(workspace, MonitorRunner.Options(broker.Url, "t-down-at-start"));

        await runner.WaitForStatusAsync("cannot use the broker");
        runner.Statuses.Should().ContainSingle().Which.Should().Contain("the broker is unreachable").And.Contain("polling every 1 s");
        await MonitorRunner.EventuallyAsync(() => runner.Reports.Count >= 3, "three polling passes while the broker is down", runner.Run);

        await broker.StartAsync();
        await runner.WaitForStatusAsync("is back; push monitoring resumed");
        await PublishAsync(broker, "j-1", "error", seq: 1);
        await runner.WaitForEventAsync("j-1", 1);
        workspace.RegistryText.Should().Contain("termination_mode: job-error");
    }

    [Fact]
    public async Task RunAsync_BrokerKilledMidRun_FallsBackToPollingThenPushResumes()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", Token), ("j-2", "tok-2"));
        await using var runner = new MonitorRunner(workspace, MonitorRunner.Options(broker.Url, "t-killed"));
        await runner.WaitForStatusAsync("subscribed");
        await PublishAsync(broker, "j-1", "completed", seq: 1);
        await runner.WaitForEventAsync("j-1", 1);

        await broker.KillAsync();
        var passesAtKill = runner.Reports.Count;
        await runner.WaitForStatusAsync("lost the broker");

        // The wait armed while connected is 10 minutes (Options): only the fall back to polling brings a pass
        // within the bound (no wall-clock assertion: a loaded machine may take seconds for a pass).
        await MonitorRunner.EventuallyAsync(() => runner.Reports.Count > passesAtKill, "a polling pass after the kill", runner.Run);

        await broker.StartAsync();
        await runner.WaitForStatusAsync("is back; push monitoring resumed");

        // The restarted broker has no session for us: we subscribed again.
        await PublishAsync(broker, "j-2", "cancelled", seq: 1, token: "tok-2");
        await runner.WaitForEventAsync("j-2", 1);
        var text = workspace.RegistryText;
        text.Should().Contain("status: completed").And.Contain("status: cancelled").And.Contain("termination_mode: job-cancelled");
    }

    [Fact]
    public async Task RunAsync_Qos1EventsPublishedWhileOffline_DeliveredAfterReconnect()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", Token), ("j-2", "tok-2"));
        await using (var first = new MonitorRunner(workspace, MonitorRunner.Options(broker.Url, "t-persistent")))
        {
            await first.WaitForStatusAsync("subscribed");
        }

        await PublishAsync(broker, "j-1", "completed", seq: 1);
        await PublishAsync(broker, "j-2", "completed", seq: 1, token: "tok-2");

        await using var second = new MonitorRunner(workspace, MonitorRunner.Options(broker.Url, "t-persistent"));
        await second.WaitForEventAsync("j-1", 1);
        await second.WaitForEventAsync("j-2", 1);
        workspace.RegistryText.Should().Contain("termination_mode: job-completed");
    }

    [Fact]
    public async Task RunAsync_DryRun_VerifiesAndReportsButWritesNothing()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var workspace = new PushWorkspace(("j-1", Token));
        var before = File.ReadAllBytes(workspace.RegistryPath);
        await using var runner = new MonitorRunner(workspace, MonitorRunner.Options(broker.Url, "t-dry"), new MqttMonitorRun { IdleTimeout = TimeSpan.Zero, DryRun = true });
        await runner.WaitForStatusAsync("subscribed");

        await PublishAsync(broker, "j-1", "completed", seq: 1);
        await runner.WaitForEventAsync("j-1", 1);

        File.ReadAllBytes(workspace.RegistryPath).Should().Equal(before);
        runner.Reports.Should().OnlyContain(r => r.DryRun && !r.RegistryWritten);
    }

    internal static async Task PublishAsync(MosquittoBroker broker, string jobId, string type, long seq, string token = Token, long? ts = null)
    {
        var arguments = new List<string>
        {
            "--token", token, "--job", jobId, "--session", PushWorkspace.Session, "--type", type, "--seq", seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--workspace", "lab", "--publish", "--host", "127.0.0.1", "--port", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (ts is { } t)
        {
            arguments.AddRange(["--ts", t.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        await SignEventScript.SignAsync([.. arguments]);
    }

    internal static async Task RawPublishAsync(MosquittoBroker broker, string topic, byte[] payload)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, payload);
            var start = new ProcessStartInfo("mosquitto_pub") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var a in new[] { "-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-q", "1", "-t", topic, "-f", file })
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.Should().Be(0, await process.StandardError.ReadToEndAsync());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
