using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentSessions.Reconcile.Cli.Tests.TestSupport;
using AgentSessions.Reconcile.Mqtt.Tests;
using AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary><c>reconcile --subscribe</c> through the built CLI, a real mosquitto and a real tmux server.</summary>
public sealed class SubscribeEndToEndTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Subscribe_VerifiedCompletedEvent_TerminatesRowKillsSessionAndEndsOnIdleTimeout()
    {
        using var ws = new TempWorkspace();
        await using var broker = await MosquittoBroker.StartAsync();
        var session = ws.Name + "-site-creator-claude";
        var cwd = ws.Project("site");
        ws.StartTmux(session, cwd);
        ws.WriteRegistry($"""
            version: 1
            workspace: {ws.Name}
            sessions:
              - name: {session}
                agent: claude
                cwd: {cwd}
                status: running
                last_visible_status: running
                jobs:
                  - job_id: j-1
                    auth_token: "tok-e2e"
                    status: running
            """);

        using var cli = CliProcess.Start(
            ws.Environment,
            ws.Root,
            "reconcile", "--subscribe", "--emit-diff", "--workspace", ws.Root, "--tmux-socket", ws.Socket, "--kill-on-terminal",
            "--broker", broker.Url, "--idle-timeout", "15", "--timeout", "120"); // idle from the subscription: room for a loaded machine's Python signer
        cli.WaitUntil(e => e.Contains($"subscribed to agent-sessions/{ws.Name}/jobs/+/events", StringComparison.Ordinal), Bound, onStderr: true)
            .Should().BeTrue(cli.Stderr);

        await SignEventScript.SignAsync(
            "--token", "tok-e2e", "--job", "j-1", "--session", session, "--type", "completed", "--seq", "1", "--workspace", ws.Name,
            "--publish", "--host", "127.0.0.1", "--port", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cli.WaitUntil(o => o.Contains("\"type\":\"completed\"", StringComparison.Ordinal), Bound).Should().BeTrue(cli.Stderr);
        var result = cli.WaitForExit(Bound);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain($"\"events\":[{{\"job_id\":\"j-1\",\"session\":\"{session}\",\"type\":\"completed\",\"seq\":1}}]");
        result.Stderr.Should().Contain("no message for 15 s (--idle-timeout); done.");
        ws.ReadRegistry().Should().Contain("termination_mode: job-completed").And.Contain("status: completed");
        ws.HasTmux(session).Should().BeFalse("--kill-on-terminal kills the session a verified terminal event ended");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Subscribe_AppliedEventAgainAfterRestart_DroppedAsDuplicateRowAndTmuxUntouched(bool killOnTerminal)
    {
        using var ws = new TempWorkspace();
        await using var broker = await MosquittoBroker.StartAsync();
        var session = ws.Name + "-site-creator-claude";
        var cwd = ws.Project("site");
        ws.StartTmux(session, cwd);
        ws.WriteRegistry($"""
            version: 1
            workspace: {ws.Name}
            sessions:
              - name: {session}
                agent: claude
                cwd: {cwd}
                status: running
                last_visible_status: running
                jobs:
                  - job_id: j-1
                    auth_token: "tok-e2e"
                    status: running
            """);
        string[] args = ["reconcile", "--subscribe", "--emit-diff", "--workspace", ws.Root, "--tmux-socket", ws.Socket, "--broker", broker.Url, "--timeout", "120"];
        if (killOnTerminal)
        {
            args = [.. args, "--kill-on-terminal"];
        }

        // One signed completed event, applied by a first monitor that is then stopped.
        var (topic, payload) = await SignEventScript.SignAsync(
            "--token", "tok-e2e", "--job", "j-1", "--session", session, "--type", "completed", "--seq", "1", "--workspace", ws.Name);
        using (var first = ws.Start(args))
        {
            first.WaitUntil(e => e.Contains("subscribed to", StringComparison.Ordinal), Bound, onStderr: true).Should().BeTrue(first.Stderr);
            await RawPublishAsync(broker, topic, payload, retain: false);
            first.WaitUntil(o => o.Contains("\"type\":\"completed\"", StringComparison.Ordinal), Bound).Should().BeTrue(first.Stderr);
            first.Signal("TERM");
            first.WaitForExit(Bound).ExitCode.Should().Be(ExitCodes.Ok, "SIGTERM stops the loop cleanly");
        }

        ws.ReadRegistry().Should().Contain("termination_mode: job-completed");
        ws.HasTmux(session).Should().Be(!killOnTerminal);

        // The person resumes the session and sets the row back to running.
        if (!ws.HasTmux(session))
        {
            ws.StartTmux(session, cwd);
        }

        ws.WriteRegistry(ws.ReadRegistry().Replace("\n    status: terminated\n", "\n    status: running\n", StringComparison.Ordinal));
        var resumed = WithoutPane(ws.ReadRegistry());

        // The same payload again: retained (delivered when the next monitor subscribes), then live.
        await RawPublishAsync(broker, topic, payload, retain: true);
        using var second = ws.Start([.. args, "--idle-timeout", "10"]); // room for a loaded machine's mosquitto_pub before idle ends it
        second.WaitUntil(e => e.Contains("subscribed to", StringComparison.Ordinal), Bound, onStderr: true).Should().BeTrue(second.Stderr);
        await RawPublishAsync(broker, topic, payload, retain: false);
        var result = second.WaitForExit(Bound);

        result.ExitCode.Should().Be(0, result.ToString());
        // Only where the resumed session was seen alive (its new pane) may be recorded; nothing else changes.
        WithoutPane(ws.ReadRegistry()).Should().Be(resumed, "the row stays running and the job as it was");
        ws.HasTmux(session).Should().BeTrue("the resumed session is not killed again");
        result.Stdout.Should().NotContain("\"type\":\"completed\"", "a dropped event reaches no pass");
        // The retained copy and the live one are duplicates; so is the first delivery again when SIGTERM
        // stopped the first monitor before its acknowledgement reached the broker (QoS 1 redelivers it).
        result.Stderr.Should().MatchRegex(@"dropped job events: duplicate [23]\.");
        ws.ReadRegistry().Should().Contain("last_seq: 1", "the first monitor recorded the seq it applied");
    }

    [Fact]
    public void Subscribe_BrokerDown_SaysWhyOnceAndPollsUntilTimeout()
    {
        using var ws = new TempWorkspace();
        var broker = MosquittoBroker.Create(); // never started: nothing listens on its port
        ws.WriteRegistry($"version: 1\nworkspace: {ws.Name}\nsessions: []\n");
        var environment = ws.Environment;
        environment["RECONCILE_POLL_INTERVAL"] = "1";

        var result = CliProcess.Run(
            environment, ws.Root, "reconcile", "--subscribe", "--emit-diff", "--workspace", ws.Root, "--tmux-socket", ws.Socket, "--broker", broker.Url, "--timeout", "6");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stderr.Split('\n').Should().ContainSingle(l => l.Contains("cannot use the broker", StringComparison.Ordinal))
            .Which.Should().Contain("the broker is unreachable").And.Contain("polling every 1 s");
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.Should().BeGreaterThanOrEqualTo(3, "a pass at start, then one per second until --timeout 6 (3 leaves room for slow passes)");
        result.Stderr.Should().Contain("--timeout 6 s reached; done.");
    }

    [Fact]
    public async Task Subscribe_DroppedEvents_EachReasonSaidOncePerJobWithoutSecretsAndCountedInTheReport()
    {
        using var ws = new TempWorkspace();
        await using var broker = await MosquittoBroker.StartAsync();
        var session = ws.Name + "-site-creator-claude";
        ws.WriteRegistry($"""
            version: 1
            workspace: {ws.Name}
            sessions:
              - name: {session}
                agent: claude
                cwd: {ws.Project("site")}
                status: stopped
                last_visible_status: stopped
                jobs:
                  - job_id: j-1
                    auth_token: "tok-secret-one"
                    status: running
                  - job_id: j-2
                    auth_token: "tok-secret-two"
                    status: running
            """);
        var before = ws.ReadRegistry();
        using var cli = ws.Start(
            "reconcile", "--subscribe", "--emit-diff", "--workspace", ws.Root, "--tmux-socket", ws.Socket,
            "--broker", broker.Url, "--idle-timeout", "0", "--timeout", "120");
        cli.WaitUntil(e => e.Contains("subscribed to", StringComparison.Ordinal), Bound, onStderr: true).Should().BeTrue(cli.Stderr);
        var prefix = $"agent-sessions/{ws.Name}/jobs/";
        var now = DateTimeOffset.UtcNow;
        var payloads = new List<byte[]>
        {
            // Forged (a wrong token) twice for j-1 and once for j-2, stale, future, an unknown job.
            await PublishAsync(broker, ws, session, "j-1", seq: 1, token: "forged-token"),
            await PublishAsync(broker, ws, session, "j-1", seq: 2, token: "forged-token"),
            await PublishAsync(broker, ws, session, "j-2", seq: 1, token: "forged-token"),
            await PublishAsync(broker, ws, session, "j-1", seq: 3, token: "tok-secret-one", ts: now.AddMinutes(-10)),
            await PublishAsync(broker, ws, session, "j-1", seq: 4, token: "tok-secret-one", ts: now.AddMinutes(5)),
            await PublishAsync(broker, ws, session, "j-9", seq: 1, token: "tok-secret-one"),
        };

        // Oversized, malformed, and an event naming j-1 signed with j-2's token on j-2's topic (the topic names the key).
        await RawPublishAsync(broker, prefix + "j-1/events", Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 70 * 1024) + "\"}"));
        await RawPublishAsync(broker, prefix + "j-1/events", Encoding.UTF8.GetBytes("not json"));
        var (_, forJob1) = await SignEventScript.SignAsync("--token", "tok-secret-two", "--job", "j-1", "--session", session, "--type", "progress", "--seq", "5", "--workspace", ws.Name);
        payloads.Add(forJob1);
        await RawPublishAsync(broker, prefix + "j-2/events", forJob1);

        // A verified event last: the pass it triggers comes after every drop above.
        payloads.Add(await PublishAsync(broker, ws, session, "j-1", seq: 6, token: "tok-secret-one", type: "progress"));
        cli.WaitUntil(o => o.Contains("\"type\":\"progress\"", StringComparison.Ordinal), Bound).Should().BeTrue(cli.Stderr);
        cli.Signal("TERM");
        var result = cli.WaitForExit(Bound);

        result.ExitCode.Should().Be(0, result.ToString());
        var drops = result.Stderr.Split('\n').Where(l => l.Contains("Dropped a job event", StringComparison.Ordinal)).ToList();
        drops.Should().OnlyContain(l => l.StartsWith("agent-sessions: warning: Dropped a job event: ", StringComparison.Ordinal), result.Stderr);
        drops.Select(l => Regex.Match(l, @"event: ([a-z-]+) \(job ([^)]+)\)")).Select(m => m.Groups[1].Value + " " + m.Groups[2].Value).Should().BeEquivalentTo(
            ["bad-signature j-1", "bad-signature j-2", "stale j-1", "future j-1", "unknown-job j-9", "oversized j-1", "not-json j-1", "topic-mismatch j-2"],
            "each reason is said once per reason and job: {0}", result.Stderr);
        result.Stderr.Should().Contain(
            "agent-sessions: dropped job events: bad-signature 3, future 1, not-json 1, oversized 1, stale 1, topic-mismatch 1, unknown-job 1.",
            "a run stopped by SIGTERM ends with the drop counts too");
        result.Stderr.Should().NotContain("tok-secret").And.NotContain("forged-token");
        foreach (var payload in payloads)
        {
            using var doc = JsonDocument.Parse(payload);
            result.Stderr.Should().NotContain(doc.RootElement.GetProperty("sig").GetString()!).And.NotContain(doc.RootElement.GetProperty("nonce").GetString()!);
        }

        var reports = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        reports.Should().OnlyContain(r => DriftReportSchema.Validate(r).Count == 0, result.Stdout);
        var last = JsonDocument.Parse(reports.Single(r => r.Contains("\"type\":\"progress\"", StringComparison.Ordinal))).RootElement;
        last.GetProperty("dropped").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()).Should().BeEquivalentTo(new Dictionary<string, long>
        {
            ["bad-signature"] = 3, ["stale"] = 1, ["future"] = 1, ["unknown-job"] = 1, ["oversized"] = 1, ["not-json"] = 1, ["topic-mismatch"] = 1,
        });
        reports.Should().OnlyContain(r => r.Contains("\"dropped\":{", StringComparison.Ordinal), "every --subscribe report carries the counts");
        ws.ReadRegistry().Should().Be(before, "no dropped event acts, and a progress event changes nothing");
    }

    [Theory]
    [InlineData("empty", "is empty")]
    [InlineData("key", "holds a private key, not a CA certificate")]
    public void Subscribe_BrokerCaEmptyOrAPrivateKey_UsageErrorNamingTheFile(string kind, string says)
    {
        using var ws = new TempWorkspace();
        using var certificates = new TestCertificates();
        ws.WriteRegistry($"version: 1\nworkspace: {ws.Name}\nsessions: []\n");
        var ca = Path.Combine(ws.Root, "ca.pem");
        File.WriteAllText(ca, kind == "key" ? File.ReadAllText(certificates.ServerKeyFile) : string.Empty);

        var result = ws.Run("reconcile", "--subscribe", "--workspace", ws.Root, "--tmux-socket", ws.Socket, "--broker", "mqtts://localhost:1", "--broker-ca", ca, "--timeout", "5");

        result.ExitCode.Should().Be(2, result.ToString());
        result.Stderr.Should().Contain($"The broker CA file '{ca}' {says}").And.NotContain("internal error").And.NotContain("PRIVATE KEY-----\n");
        result.Stdout.Should().BeEmpty("no pass ran");
    }

    [Fact]
    public async Task Subscribe_TlsToAPlainMqttPort_SaysTheHandshakeFailed()
    {
        using var ws = new TempWorkspace();
        await using var broker = await MosquittoBroker.StartAsync(); // plain MQTT
        ws.WriteRegistry($"version: 1\nworkspace: {ws.Name}\nsessions: []\n");

        var result = ws.Run("reconcile", "--subscribe", "--workspace", ws.Root, "--tmux-socket", ws.Socket, "--broker", $"mqtts://localhost:{broker.Port}", "--timeout", "6"); // the first attempt's failure within it, even when loaded

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stderr.Split('\n').Should().ContainSingle(l => l.Contains("cannot use the broker", StringComparison.Ordinal))
            .Which.Should().Contain("the TLS handshake failed").And.Contain("the port may not speak TLS");
    }

    private static async Task<byte[]> PublishAsync(
        MosquittoBroker broker, TempWorkspace ws, string session, string job, long seq, string token, DateTimeOffset? ts = null, string type = "completed")
    {
        var arguments = new List<string>
        {
            "--token", token, "--job", job, "--session", session, "--type", type, "--seq", seq.ToString(CultureInfo.InvariantCulture),
            "--workspace", ws.Name, "--publish", "--host", "127.0.0.1", "--port", broker.Port.ToString(CultureInfo.InvariantCulture),
        };
        if (ts is { } t)
        {
            arguments.AddRange(["--ts", t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)]);
        }

        return (await SignEventScript.SignAsync([.. arguments])).Payload;
    }

    private static string WithoutPane(string yaml) =>
        string.Join('\n', yaml.Split('\n').Where(l => !l.StartsWith("    pane:", StringComparison.Ordinal)));

    /// <summary>Publishes bytes as they are (QoS 1) with mosquitto_pub.</summary>
    private static async Task RawPublishAsync(MosquittoBroker broker, string topic, byte[] payload, bool retain = false)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, payload);
            var start = new ProcessStartInfo("mosquitto_pub") { UseShellExecute = false, RedirectStandardError = true };
            foreach (var a in new[] { "-h", "127.0.0.1", "-p", broker.Port.ToString(CultureInfo.InvariantCulture), "-q", "1", "-t", topic, "-f", file })
            {
                start.ArgumentList.Add(a);
            }

            if (retain)
            {
                start.ArgumentList.Add("-r");
            }

            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(Bound);
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.Should().Be(0, await process.StandardError.ReadToEndAsync());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
