using System.Diagnostics;
using System.Globalization;
using System.Text;
using AgentSessions.Reconcile.Cli.Tests.TestSupport;
using AgentSessions.Reconcile.Mqtt.Tests.Subscribing;
using MQTTnet;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>The fleet view (docs/fleet.md) through the built CLI, real mosquitto brokers and real tmux servers.</summary>
public sealed class FleetEndToEndTests
{
    private const string Prefix = "agent-sessions/fleet";

    [Fact]
    public async Task TwoHostsOnTwoBridgedBrokers_EitherBrokerListsBoth_AKilledMonitorShowsOffline()
    {
        await using var central = await MosquittoBroker.StartAsync();
        await using var site = await MosquittoBroker.StartPlainAsync((port, _) => Plain(port) + BridgeConfigAsWritten(central.Port));
        using var one = new FleetHostUnderTest("host-one");
        using var two = new FleetHostUnderTest("host-two");
        one.StartMonitor(central.Url, "--fleet-keep-alive", "2");
        two.StartMonitor(site.Url, "--fleet-keep-alive", "2", "--subscribe"); // push monitoring publishes too, on the same broker

        foreach (var broker in new[] { central, site })
        {
            using var fleet = Fleet.WaitFor(
                broker.Url,
                f => Fleet.Host(f, "host-one") is { } a && a.GetProperty("workspaces").GetArrayLength() == 1
                    && Fleet.Host(f, "host-two") is { } b && b.GetProperty("workspaces").GetArrayLength() == 1,
                "both hosts' workspaces on " + broker.Url);
            var text = fleet.RootElement.GetRawText();
            DriftReportSchema.Validate(text, "fleet.schema.json").Should().BeEmpty(text);
            foreach (var host in new[] { one, two })
            {
                var row = Fleet.Host(fleet.RootElement, host.HostId)!.Value;
                row.GetProperty("online").GetBoolean().Should().BeTrue();
                var workspace = row.GetProperty("workspaces")[0];
                workspace.GetProperty("workspace").GetString().Should().Be(host.Workspace.Name);
                workspace.GetProperty("stale").GetBoolean().Should().BeFalse();
                var session = workspace.GetProperty("sessions")[0];
                session.GetProperty("name").GetString().Should().Be(host.Session);
                session.GetProperty("live").GetString().Should().Be("alive");
            }
        }

        // No secret leaves a host: the raw retained payloads carry no job token.
        var retained = await Fleet.RetainedAsync(site.Port, Prefix + "/#");
        retained.Keys.Should().Contain($"{Prefix}/hosts/host-one/workspaces/{one.Workspace.Name}/status");
        retained.Values.Should().NotContain(v => v.Contains(one.Token, StringComparison.Ordinal) || v.Contains(two.Token, StringComparison.Ordinal) || v.Contains("auth_token", StringComparison.Ordinal));

        // SIGKILL: no clean stop; the broker publishes the Last Will, and the bridge carries it to the site.
        one.Monitor!.Signal("KILL");
        using var after = Fleet.WaitFor(
            site.Url,
            f => Fleet.Host(f, "host-one") is { } a && a.GetProperty("online").ValueKind == System.Text.Json.JsonValueKind.False,
            "host-one offline after SIGKILL");
        Fleet.Host(after.RootElement, "host-two")!.Value.GetProperty("online").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task FrozenMonitor_ShowsOfflineByKeepAlive_CleanStopClearsTheStatus()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var frozen = new FleetHostUnderTest("frozen");
        using var clean = new FleetHostUnderTest("clean");
        frozen.StartMonitor(broker.Url, "--fleet-keep-alive", "2");
        clean.StartMonitor(broker.Url);
        Fleet.WaitFor(broker.Url, f => Fleet.Host(f, "frozen") is { } a && a.GetProperty("workspaces").GetArrayLength() == 1 && Fleet.Host(f, "clean") is { } b && b.GetProperty("workspaces").GetArrayLength() == 1, "both hosts").Dispose();

        // SIGSTOP keeps the TCP connection open: only the missed keep-alive (2 s x 1.5) tells the broker.
        var stopped = Stopwatch.StartNew();
        frozen.Monitor!.Signal("STOP");
        try
        {
            Fleet.WaitFor(broker.Url, f => Fleet.Host(f, "frozen") is { } a && a.GetProperty("online").ValueKind == System.Text.Json.JsonValueKind.False, "the frozen host offline").Dispose();
            Console.WriteLine($"frozen host shown offline after {stopped.Elapsed.TotalSeconds:0.0} s (keep-alive 2 s)");
        }
        finally
        {
            frozen.Monitor.Signal("CONT");
        }

        // A clean stop (SIGTERM): offline, and its status cleared (an empty retained payload).
        clean.Monitor!.Signal("TERM");
        clean.Monitor.WaitForExit(Fleet.Bound).ExitCode.Should().Be(ExitCodes.Ok);
        using var fleet = Fleet.WaitFor(broker.Url, f => Fleet.Host(f, "clean") is { } c && c.GetProperty("online").ValueKind == System.Text.Json.JsonValueKind.False, "the cleanly stopped host offline");
        Fleet.Host(fleet.RootElement, "clean")!.Value.GetProperty("workspaces").GetArrayLength().Should().Be(0, "a clean stop clears the retained status");
    }

    [Fact]
    public async Task ForgedStatuses_NotShownAndCounted_StaleMarked()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var client = await Fleet.ConnectAsync(broker.Port);
        var now = DateTimeOffset.UtcNow;

        // Genuine: h-good, now. Stale: h-old, 10 minutes ago with a 60 s interval.
        var good = await Fleet.SignAsync(Fleet.Status("h-good", "ws1", now), FleetHostUnderTest.Key);
        var old = await Fleet.SignAsync(Fleet.Status("h-old", "ws1", now.AddMinutes(-10)), FleetHostUnderTest.Key);

        // Forged: the wrong key; and a genuine h-good status replayed on another host's topic.
        var wrongKey = await Fleet.SignAsync(Fleet.Status("h-evil", "ws1", now), "not-the-fleet-key");
        await Fleet.PublishRetainedAsync(client, $"{Prefix}/hosts/h-good/workspaces/ws1/status", good);
        await Fleet.PublishRetainedAsync(client, $"{Prefix}/hosts/h-old/workspaces/ws1/status", old);
        await Fleet.PublishRetainedAsync(client, $"{Prefix}/hosts/h-evil/workspaces/ws1/status", wrongKey);
        await Fleet.PublishRetainedAsync(client, $"{Prefix}/hosts/h-other/workspaces/ws1/status", good);

        using var fleet = Fleet.WaitFor(broker.Url, f => f.GetProperty("hosts").GetArrayLength() >= 2 && f.GetProperty("rejected").GetInt32() >= 2, "the two genuine hosts and two rejections");
        var text = fleet.RootElement.GetRawText();
        DriftReportSchema.Validate(text, "fleet.schema.json").Should().BeEmpty(text);
        fleet.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("host").GetString()).Should().Equal("h-good", "h-old");
        fleet.RootElement.GetProperty("rejected").GetInt32().Should().Be(2);
        Fleet.Host(fleet.RootElement, "h-good")!.Value.GetProperty("workspaces")[0].GetProperty("stale").GetBoolean().Should().BeFalse();
        Fleet.Host(fleet.RootElement, "h-old")!.Value.GetProperty("workspaces")[0].GetProperty("stale").GetBoolean().Should().BeTrue();
        Fleet.Host(fleet.RootElement, "h-good")!.Value.GetProperty("online").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null, "no presence message was published");

        // The table says so too, and stderr counts the rejected ones. Run until the rejections are counted (bounded): a
        // read gathers the retained messages until the broker has been quiet for 200 ms, which a loaded machine can
        // leave before the last of them arrived.
        CliResult table;
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            table = CliProcess.Run(new Dictionary<string, string?> { ["AGENT_SESSIONS_FLEET_KEY"] = FleetHostUnderTest.Key }, Path.GetTempPath(), "status", "--fleet", "--broker", broker.Url);
        }
        while (!table.Stderr.Contains("2 fleet message(s)", StringComparison.Ordinal) && deadline.Elapsed < Fleet.Bound);

        table.ExitCode.Should().Be(0, table.ToString());
        table.Stdout.Should().StartWith("HOST").And.Contain("(stale)").And.NotContain("h-evil").And.NotContain("h-other");
        table.Stderr.Should().Contain("2 fleet message(s) failed verification");
    }

    [Fact]
    public async Task DocsAcl_HostWritesOnlyUnderItsOwnHostsFolder_ViewerReadsAll()
    {
        var passwords = new[] { ("h1", "h1-pw"), ("h2", "h2-pw"), ("agent-sessions-viewer", "viewer-pw") };
        await using var broker = await MosquittoBroker.StartPlainAsync((port, folder) =>
        {
            var passwd = Path.Combine(folder, "passwd");
            File.WriteAllText(passwd, string.Empty);
            foreach (var (user, password) in passwords)
            {
                Run("mosquitto_passwd", "-b", passwd, user, password);
            }

            File.Copy(Path.Combine(AppContext.BaseDirectory, "DocsFleet", "acl"), Path.Combine(folder, "acl"), overwrite: true);
            return $"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {passwd}\nacl_file {Path.Combine(folder, "acl")}\npersistence false\nlog_dest none\nuser {Environment.UserName}\n";
        });

        using var h1 = await Fleet.ConnectAsync(broker.Port, "h1", "h1-pw");
        var status = await Fleet.SignAsync(Fleet.Status("h2", "ws1", DateTimeOffset.UtcNow), FleetHostUnderTest.Key);
        (await Fleet.PublishRetainedAsync(h1, $"{Prefix}/hosts/h2/workspaces/ws1/status", status)).Should().Be(MqttClientPublishReasonCode.NotAuthorized);
        (await Fleet.PublishRetainedAsync(h1, $"{Prefix}/hosts/h2/online", Encoding.UTF8.GetBytes("x"))).Should().Be(MqttClientPublishReasonCode.NotAuthorized);

        // The real monitor as h1 (user name from the environment, password from a file), read by the viewer.
        using var host = new FleetHostUnderTest("h1");
        var passwordFile = Path.Combine(host.Workspace.Root, "h1.pw");
        await File.WriteAllTextAsync(passwordFile, "h1-pw\n");
        host.Workspace.Environment.Should().NotContainKey("AGENT_SESSIONS_BROKER_USERNAME");
        using var monitor = CliProcess.Start(
            new Dictionary<string, string?>(host.Environment) { ["AGENT_SESSIONS_BROKER_USERNAME"] = "h1" },
            host.Workspace.Root,
            "reconcile", "--workspace", host.Workspace.Root, "--tmux-socket", host.Workspace.Socket, "--publish-status", "--host-id", "h1",
            "--broker", broker.Url, "--broker-password-file", passwordFile);
        var viewerPassword = Path.Combine(host.Workspace.Root, "viewer.pw");
        await File.WriteAllTextAsync(viewerPassword, "viewer-pw\n");
        using var fleet = Fleet.WaitFor(
            broker.Url,
            f => Fleet.Host(f, "h1") is { } a && a.GetProperty("workspaces").GetArrayLength() == 1,
            "h1's status read by the viewer",
            new() { ["AGENT_SESSIONS_FLEET_KEY"] = FleetHostUnderTest.Key, ["AGENT_SESSIONS_BROKER_USERNAME"] = "agent-sessions-viewer", ["AGENT_SESSIONS_BROKER_PASSWORD"] = "viewer-pw" });
        Fleet.Host(fleet.RootElement, "h2").Should().BeNull("h1 could not write under hosts/h2/");
    }

    [Fact]
    public async Task FleetWatch_RedrawsOnARetainedUpdate_CtrlCExits130()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var client = await Fleet.ConnectAsync(broker.Port);
        await Fleet.PublishRetainedAsync(client, $"{Prefix}/hosts/h-a/workspaces/ws1/status", await Fleet.SignAsync(Fleet.Status("h-a", "ws1", DateTimeOffset.UtcNow), FleetHostUnderTest.Key));
        using var watch = CliProcess.Start(new Dictionary<string, string?> { ["AGENT_SESSIONS_FLEET_KEY"] = FleetHostUnderTest.Key }, Path.GetTempPath(), "status", "--fleet", "--watch", "--broker", broker.Url);
        watch.WaitUntil(o => o.Contains("h-a", StringComparison.Ordinal), Fleet.Bound).Should().BeTrue(watch.Stderr);
        watch.Stdout.Should().NotContain("h-b");

        await Fleet.PublishRetainedAsync(client, $"{Prefix}/hosts/h-b/workspaces/ws1/status", await Fleet.SignAsync(Fleet.Status("h-b", "ws1", DateTimeOffset.UtcNow), FleetHostUnderTest.Key));
        watch.WaitUntil(o => o.Contains("h-b", StringComparison.Ordinal), Fleet.Bound).Should().BeTrue(watch.Stderr);

        watch.Signal("INT");
        var result = watch.WaitForExit(Fleet.Bound);
        result.ExitCode.Should().Be(ExitCodes.Interrupted, result.ToString());
        result.Stdout.Should().NotContain("\u001b[", "stdout is not a terminal: plain text");
        result.Stdout.Split("HOST ").Length.Should().BeGreaterThanOrEqualTo(3, "one table at start and one after the update");
    }

    [Fact]
    public void StatusWatch_RedrawsWhenTheRegistryChanges_CtrlCExits130()
    {
        using var host = new FleetHostUnderTest("unused");
        using var watch = host.Workspace.Start("status", "--watch", "--workspace", host.Workspace.Root, "--tmux-socket", host.Workspace.Socket);
        watch.WaitUntil(o => o.Contains(host.Session, StringComparison.Ordinal), Fleet.Bound).Should().BeTrue(watch.Stderr);
        watch.Stdout.Should().NotContain("second-claude");

        host.Workspace.WriteRegistry(host.Workspace.ReadRegistry().TrimEnd('\n') + $"\n  - name: {host.Workspace.Name}-second-claude\n    agent: claude\n    cwd: {host.Workspace.Root}\n    status: stopped\n");
        watch.WaitUntil(o => o.Contains("second-claude", StringComparison.Ordinal), Fleet.Bound).Should().BeTrue(watch.Stderr);

        watch.Signal("INT");
        var result = watch.WaitForExit(Fleet.Bound);
        result.ExitCode.Should().Be(ExitCodes.Interrupted, result.ToString());
    }

    [Fact]
    public async Task PublishStatus_WithoutAKey_SaysWhyInOneSentenceAndMonitorsOn()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        using var host = new FleetHostUnderTest("no-key");
        using var monitor = host.Workspace.Start("reconcile", "--workspace", host.Workspace.Root, "--tmux-socket", host.Workspace.Socket, "--publish-status", "--broker", broker.Url);
        monitor.WaitUntil(e => e.Contains("not publishing", StringComparison.Ordinal), Fleet.Bound, onStderr: true).Should().BeTrue(monitor.Stderr);
        monitor.Signal("TERM");
        var result = monitor.WaitForExit(Fleet.Bound);
        result.ExitCode.Should().Be(ExitCodes.Ok, result.ToString());
        result.Stderr.Should().Contain("agent-sessions: note: not publishing the status: no fleet key (set $AGENT_SESSIONS_FLEET_KEY or give --fleet-key-file).");
        (await Fleet.RetainedAsync(broker.Port, Prefix + "/#")).Should().BeEmpty();
    }

    /// <summary>docs/fleet/bridge.conf as written, its address moved to the central test broker.</summary>
    private static string BridgeConfigAsWritten(int centralPort) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DocsFleet", "bridge.conf"))
            .Replace("central.example.net:1883", "127.0.0.1:" + centralPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static string Plain(int port) => $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\nuser {Environment.UserName}\n";

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit(20_000).Should().BeTrue();
        process.ExitCode.Should().Be(0, process.StandardError.ReadToEnd());
    }
}
