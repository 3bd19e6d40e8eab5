extern alias mqtt;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AgentSessions.Reconcile;
using mqtt::AgentSessions.Reconcile.Mqtt;
using AgentSessions.Reconcile.Testing;
using MQTTnet;

/// <summary>
/// Issue #10's push benchmark, as a harness (real mosquitto, real registry file, one run):
/// dotnet run -c Release --project tests/AgentSessions.Reconcile.Benchmarks -- mqtt-latency
/// </summary>
internal static class MqttLatencyHarness
{
    private const int Sessions = 100;
    private const int Samples = 50;

    public static async Task RunAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "asr-mqtt-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, ".hermes"));
        var port = FreePort();
        File.WriteAllText(Path.Combine(root, "mosquitto.conf"), $"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\nlog_dest none\nuser {Environment.UserName}\n");
        var start = new ProcessStartInfo("mosquitto") { UseShellExecute = false, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Path.Combine(root, "mosquitto.conf"));
        using var broker = Process.Start(start)!;
        try
        {
            await WaitForPortAsync(port);
            var yaml = "version: 1\nworkspace: lab\nsessions:\n";
            var probe = new FakeSessionProbe();
            for (var i = 0; i < Sessions; i++)
            {
                var name = $"lab-p{i}-creator-claude";
                yaml += $"  - name: {name}\n    agent: claude\n    cwd: {root}\n    status: running\n    last_visible_status: running\n"
                    + $"    pane: {{ pid: {1000 + i}, cmd: claude, cwd: {root} }}\n    jobs:\n      - job_id: j-{i}\n        auth_token: \"tok-{i}\"\n        status: running\n";
                probe.AddTmuxSession(name, root, 1000 + i, "claude");
            }

            File.WriteAllText(Path.Combine(root, ".hermes", "agent-sessions.yaml"), yaml);
            var store = RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = root });
            var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions { StateDirectory = Path.Combine(root, "state") });

            // Floor: one locked, fsync'd registry write changing one field.
            var floor = new List<double>();
            for (var i = 0; i < Samples; i++)
            {
                var clock = Stopwatch.StartNew();
                await store.UpdateAsync(r => { r.Sessions[99].LastVisibleNote = "floor " + i; return 0; });
                floor.Add(clock.Elapsed.TotalMilliseconds);
            }

            var done = new ConcurrentDictionary<string, long>();
            var passes = 0;
            var writes = 0;
            using var monitor = new MqttPushMonitor(reconciler, store, new MqttTriggerOptions { Broker = $"mqtt://127.0.0.1:{port}", ClientId = "bench" });
            using var stop = new CancellationTokenSource();
            var subscribed = new TaskCompletionSource();
            var run = monitor.RunAsync(
                new MqttMonitorRun
                {
                    IdleTimeout = TimeSpan.Zero,
                    OnBrokerStatus = s => subscribed.TrySetResult(),
                    OnReport = (report, _) =>
                    {
                        Interlocked.Increment(ref passes);
                        if (report.RegistryWritten)
                        {
                            Interlocked.Increment(ref writes);
                        }

                        foreach (var e in report.Events)
                        {
                            done.TryAdd($"{e.JobId}/{e.Sequence}", Stopwatch.GetTimestamp());
                        }

                        return Task.CompletedTask;
                    },
                },
                stop.Token);
            await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(20));

            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bench-pub").Build());

            // Event -> durable registry: a terminal event of job i, one at a time (each ends its row: one write).
            var latency = new List<double>();
            for (var i = 0; i < Samples; i++)
            {
                var publisher = Publisher(client, i, 1);
                var sent = Stopwatch.GetTimestamp();
                await publisher.PublishAsync(JobEventType.Completed);
                await WaitAsync(() => done.ContainsKey($"j-{i}/1"));
                latency.Add(Stopwatch.GetElapsedTime(sent, done[$"j-{i}/1"]).TotalMilliseconds);
            }

            // Sustained: 5,000 progress events from 50 jobs as fast as they can be sent.
            const int Burst = 5_000;
            var (passesBefore, writesBefore) = (passes, writes);
            var publishers = Enumerable.Range(Samples, 50).Select(j => Publisher(client, j, 1)).ToArray();
            var clockBurst = Stopwatch.StartNew();
            for (var n = 0; n < Burst; n++)
            {
                await publishers[n % 50].PublishAsync(JobEventType.Progress);
            }

            await WaitAsync(() => done.Keys.Count(k => int.Parse(k[2..k.IndexOf('/', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) >= Samples) >= Burst);
            var burstSeconds = clockBurst.Elapsed.TotalSeconds;

            // Flood: terminal events of jobs 50..69, one at a time, while a second client sends forged
            // events (a wrong signature for job 99, dropped at the MAC) at up to 10,000/s (QoS 0,
            // loopback only, bounded by the samples and 60 s).
            var forged = System.Text.Encoding.UTF8.GetBytes(
                "{\"data\":{},\"job_id\":\"j-99\",\"nonce\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"seq\":1,\"session\":\"lab-p99-creator-claude\",\"sig\":\""
                + new string('0', 64) + "\",\"ts\":" + DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + ",\"type\":\"completed\",\"v\":1}");
            using var flooder = new MqttClientFactory().CreateMqttClient();
            await flooder.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("bench-flood").Build());
            var forgedMessage = new MqttApplicationMessageBuilder().WithTopic("agent-sessions/lab/jobs/j-99/events").WithPayload(forged).Build();
            using var floodStop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            long forgedSent = 0;
            var floodClock = Stopwatch.StartNew();
            var flood = Task.Run(async () =>
            {
                while (!floodStop.IsCancellationRequested)
                {
                    var due = (long)(floodClock.Elapsed.TotalSeconds * 10_000);
                    if (forgedSent >= due)
                    {
                        await Task.Delay(1);
                        continue;
                    }

                    await flooder.PublishAsync(forgedMessage);
                    forgedSent++;
                }
            });
            await WaitAsync(() => Volatile.Read(ref forgedSent) >= 5_000); // the flood at its rate before the first sample
            var flooded = new List<double>();
            for (var i = Samples; i < Samples + 20; i++)
            {
                var publisher = Publisher(client, i, 10_000);
                var sent = Stopwatch.GetTimestamp();
                await publisher.PublishAsync(JobEventType.Completed);
                await WaitAsync(() => done.ContainsKey($"j-{i}/10000"));
                flooded.Add(Stopwatch.GetElapsedTime(sent, done[$"j-{i}/10000"]).TotalMilliseconds);
            }

            await floodStop.CancelAsync();
            await flood;
            var floodRate = forgedSent / floodClock.Elapsed.TotalSeconds;

            Console.WriteLine($"| locked fsync'd write (floor) | p50 {P(floor, 50):0.0} ms | p99 {P(floor, 99):0.0} ms |");
            Console.WriteLine($"| event -> durable registry, {Sessions} sessions | p50 {P(latency, 50):0.0} ms | p99 {P(latency, 99):0.0} ms | ratio p50 {P(latency, 50) / P(floor, 50):0.0}x floor |");
            Console.WriteLine($"| sustained verified progress events | {Burst / burstSeconds:0} events/s | {passes - passesBefore} passes, {writes - writesBefore} writes |");
            Console.WriteLine($"| terminal event during a forged flood ({floodRate:0} forged/s sent) | p50 {P(flooded, 50):0.0} ms | p99 {P(flooded, 99):0.0} ms | ratio p50 {P(flooded, 50) / P(latency, 50):0.00}x quiet |");
            await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (OperationCanceledException)
            {
            }
        }
        finally
        {
            broker.Kill();
            await broker.WaitForExitAsync();
            Directory.Delete(root, recursive: true);
        }
    }

    private static JobEventPublisher Publisher(IMqttClient client, int job, long first) =>
        new(client, new JobEventPublisherOptions { TopicPrefix = "agent-sessions/lab", JobId = $"j-{job}", Session = $"lab-p{job}-creator-claude", AuthToken = $"tok-{job}", FirstSequence = first });

    private static double P(List<double> values, int percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(percentile / 100.0 * sorted.Count) - 1)];
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the harness waited more than 60 s");
            }

            await Task.Delay(1);
        }
    }

    private static async Task WaitForPortAsync(int port)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var c = new TcpClient();
            try
            {
                await c.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
