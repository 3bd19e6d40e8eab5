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
}
