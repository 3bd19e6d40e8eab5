using System.Diagnostics;
using System.Globalization;
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
            "--broker", broker.Url, "--idle-timeout", "6", "--timeout", "120");
        cli.WaitUntil(e => e.Contains($"subscribed to agent-sessions/{ws.Name}/jobs/+/events", StringComparison.Ordinal), Bound, onStderr: true)
            .Should().BeTrue(cli.Stderr);

        await SignEventScript.SignAsync(
            "--token", "tok-e2e", "--job", "j-1", "--session", session, "--type", "completed", "--seq", "1", "--workspace", ws.Name,
            "--publish", "--host", "127.0.0.1", "--port", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cli.WaitUntil(o => o.Contains("\"type\":\"completed\"", StringComparison.Ordinal), Bound).Should().BeTrue(cli.Stderr);
        var result = cli.WaitForExit(Bound);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().Contain($"\"events\":[{{\"job_id\":\"j-1\",\"session\":\"{session}\",\"type\":\"completed\",\"seq\":1}}]");
        result.Stderr.Should().Contain("no message for 6 s (--idle-timeout); done.");
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
            await PublishAsync(broker, topic, payload, retain: false);
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
        var resumed = File.ReadAllBytes(ws.RegistryPath);

        // The same payload again: retained (delivered when the next monitor subscribes), then live.
        await PublishAsync(broker, topic, payload, retain: true);
        using var second = ws.Start([.. args, "--idle-timeout", "4"]);
        second.WaitUntil(e => e.Contains("subscribed to", StringComparison.Ordinal), Bound, onStderr: true).Should().BeTrue(second.Stderr);
        await PublishAsync(broker, topic, payload, retain: false);
        var result = second.WaitForExit(Bound);

        result.ExitCode.Should().Be(0, result.ToString());
        File.ReadAllBytes(ws.RegistryPath).Should().Equal(resumed, "the row stays running: {0}", ws.ReadRegistry());
        ws.HasTmux(session).Should().BeTrue("the resumed session is not killed again");
        result.Stdout.Should().NotContain("\"type\":\"completed\"", "a dropped event reaches no pass");
        result.Stderr.Should().Contain("dropped job events: duplicate 2.");
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
            environment, ws.Root, "reconcile", "--subscribe", "--emit-diff", "--workspace", ws.Root, "--tmux-socket", ws.Socket, "--broker", broker.Url, "--timeout", "3");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stderr.Split('\n').Should().ContainSingle(l => l.Contains("cannot use the broker", StringComparison.Ordinal))
            .Which.Should().Contain("the broker is unreachable").And.Contain("polling every 1 s");
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.Should().BeGreaterThanOrEqualTo(3, "a pass at start, then one per second until --timeout 3");
        result.Stderr.Should().Contain("--timeout 3 s reached; done.");
    }

    private static async Task PublishAsync(MosquittoBroker broker, string topic, byte[] payload, bool retain)
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
