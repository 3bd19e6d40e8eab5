using System.Diagnostics;
using System.Reflection;
using System.Text;
using AgentSessions.Reconcile.Hermes.Tests;
using AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

namespace AgentSessions.Reconcile.Worker.Tests;

/// <summary>
/// The built sample worker against real tmux (a private <c>-L</c> socket) and a real Hermes-shaped
/// SQLite board: a dead session becomes a comment on the card, and a user's <c>stop</c> blocks the
/// task and ends the process with exit code 0.
/// </summary>
public sealed class WorkerProcessTests : IDisposable
{
    private const string TaskId = "t_5eed0a11";
    private const string Profile = "monitor";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "asw-e2e-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly string _socket = "asw-e2e-" + Guid.NewGuid().ToString("N")[..12];
    private readonly StringBuilder _output = new();
    private readonly List<string> _stdout = [];
    private Process? _worker;
    private TestBoard? _board;

    public WorkerProcessTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "lab", ".hermes"));
        Directory.CreateDirectory(Path.Combine(_root, "home", ".claude", "projects"));
    }

    private string Workspace => Path.Combine(_root, "lab");

    [Fact]
    public async Task Worker_SessionDiesThenUserSaysStop_CommentsThenBlocksAndExitsZero()
    {
        Tmux("new-session", "-d", "-s", "lab-web-creator-claude", "-c", Workspace, "sleep 3600");
        Tmux("new-session", "-d", "-s", "lab-api-creator-claude", "-c", Workspace, "sleep 3600");
        File.WriteAllText(Path.Combine(Workspace, ".hermes", "agent-sessions.yaml"), $"""
            version: 1
            workspace: lab
            sessions:
              - name: lab-web-creator-claude
                agent: claude
                cwd: {Workspace}
                status: running
                last_visible_status: running
              - name: lab-api-creator-claude
                agent: claude
                cwd: {Workspace}
                status: running
                last_visible_status: running
            """);
        _board = new TestBoard();
        var board = _board;
        board.AddTask(TaskId, claimLock: "e2e-host:4242", claimExpires: Now + 900, runId: 1, goalMode: 1, assignee: Profile);

        _worker = StartWorker(
            HermesEnvironment(board.DatabasePath),
            "--workspace", Workspace, "--tmux-socket", _socket, "--interval", "1", "--heartbeat-interval", "2");

        // The worker is up once its first heartbeat is on the card.
        await UntilAsync(() => Events(board).Any(e => e.Kind == "heartbeat"), "the first heartbeat");
        Tmux("kill-session", "-t", "lab-web-creator-claude");

        await UntilAsync(
            () => Comments(board).Any(c => c.Author == Profile && c.Body.Contains("lab-web-creator-claude", StringComparison.Ordinal)),
            "a comment about the dead session");
        var drift = Comments(board).Single(c => c.Author == Profile && c.Body.Contains("lab-web-creator-claude", StringComparison.Ordinal));
        drift.Body.Should().StartWith("agent-sessions: 1 new drift in lab\n- [A] ");
        drift.Body.Should().NotContain("lab-api-creator-claude", "the live session is no drift");

        board.AddComment(TaskId, "alice", "the web session stopped, fine", Now); // not a command
        board.AddComment(TaskId, "alice", "stop", Now);

        var exited = await Task.Run(() => _worker.WaitForExit(Bound));
        exited.Should().BeTrue("the worker ends after a stop request\n" + Output());
        _worker.WaitForExit(); // after a bounded wait, this one returns once the redirected output is drained
        _worker.ExitCode.Should().Be(0, Output());

        var task = board.Row("tasks", "id = $id", ("$id", TaskId));
        (task["status"], task["block_kind"]).Should().Be(("blocked", "needs_input"));
        var blocked = Events(board).Should().ContainSingle(e => e.Kind == "blocked").Subject;
        blocked.Payload.Should().MatchRegex("\"reason\": ?\"stop-requested by user at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"");
        Comments(board).Count(c => c.Author == Profile && c.Body.Contains("lab-web-creator-claude", StringComparison.Ordinal))
            .Should().Be(1, "a drift is commented once");

        // Hard rules: the worker neither created nor killed tmux sessions; it marked the dead row.
        Tmux("list-sessions", "-F", "#{session_name}").Trim().Should().Be("lab-api-creator-claude");
        File.ReadAllText(Path.Combine(Workspace, ".hermes", "agent-sessions.yaml")).Should().Contain("terminated");
    }

    [Fact]
    public async Task Worker_NoHermesTask_SpeaksJsonLinesAndStopsOnStdinComment()
    {
        Tmux("new-session", "-d", "-s", "lab-web-creator-claude", "-c", Workspace, "sleep 3600");
        File.WriteAllText(Path.Combine(Workspace, ".hermes", "agent-sessions.yaml"), "version: 1\nworkspace: lab\nsessions: []\n");

        _worker = StartWorker(new Dictionary<string, string>(), "--tmux-socket", _socket, "--interval", "1", "--heartbeat-interval", "2");

        // Found by searching up from the working folder; the unregistered live session is drift B.
        await UntilAsync(() => StdoutLines().Any(l => l.Contains("\"kanban_heartbeat\"", StringComparison.Ordinal)), "a heartbeat line");
        await UntilAsync(() => StdoutLines().Any(l => l.Contains("\"kanban_comment\"", StringComparison.Ordinal) && l.Contains("[B] lab-web-creator-claude", StringComparison.Ordinal)), "a drift comment line");
        await _worker.StandardInput.WriteLineAsync($"{{\"author\":\"alice\",\"body\":\"Stop.\",\"created_at\":{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}}");
        await _worker.StandardInput.FlushAsync();

        var exited = await Task.Run(() => _worker.WaitForExit(Bound));
        exited.Should().BeTrue("the worker ends after a stop request\n" + Output());
        _worker.WaitForExit(); // after a bounded wait, this one returns once the redirected output is drained
        _worker.ExitCode.Should().Be(0, Output());
        StdoutLines().Should().ContainSingle(l => l.Contains("\"kanban_block\"", StringComparison.Ordinal))
            .Which.Should().MatchRegex("\"reason\":\"stop-requested by user at [0-9T:-]+Z\"").And.Contain("\"kind\":\"needs_input\"");
        StdoutLines().Should().OnlyContain(l => l.StartsWith("{\"tool\":", StringComparison.Ordinal), "logs go to stderr, stdout is the card");
        Tmux("list-sessions", "-F", "#{session_name}").Trim().Should().Be("lab-web-creator-claude");
    }

    [Fact]
    public async Task Worker_TaskNoLongerRunning_HeartbeatRejectedAndExitsZero()
    {
        File.WriteAllText(Path.Combine(Workspace, ".hermes", "agent-sessions.yaml"), "version: 1\nworkspace: lab\nsessions: []\n");
        _board = new TestBoard();
        _board.AddTask(TaskId, claimLock: "e2e-host:4242", claimExpires: Now + 900, runId: 1, goalMode: 1, assignee: Profile);
        _worker = StartWorker(
            HermesEnvironment(_board.DatabasePath),
            "--workspace", Workspace, "--tmux-socket", _socket, "--interval", "1", "--heartbeat-interval", "1");
        await UntilAsync(() => Events(_board).Any(e => e.Kind == "heartbeat"), "the first heartbeat");

        // A person archives the card under the running worker.
        using (var connection = _board.Open())
        {
            TestBoard.Exec(connection, "UPDATE tasks SET status = 'archived', claim_lock = NULL, current_run_id = NULL WHERE id = $id", ("$id", TaskId));
        }

        var exited = await Task.Run(() => _worker.WaitForExit(Bound));
        exited.Should().BeTrue("the worker ends when its heartbeat is rejected\n" + Output());
        _worker.WaitForExit();
        _worker.ExitCode.Should().Be(0, Output());
        Output().Should().Contain("Heartbeat rejected").And.Contain("the monitor ends");
        Events(_board).Should().NotContain(e => e.Kind == "blocked", "a card that is not running is left as the person set it");
    }

    [Theory]
    [InlineData("--interval", "0")]
    [InlineData("--gateway", "smoke-signals")]
    [InlineData("--bogus", "1")]
    public void Worker_BadOption_ExitsTwoWithSentence(string flag, string value)
    {
        _worker = StartWorker(new Dictionary<string, string>(), "--workspace", Workspace, flag, value);

        _worker.WaitForExit(Bound).Should().BeTrue();
        _worker.WaitForExit(); // drains the redirected output
        _worker.ExitCode.Should().Be(2, Output());
        Output().Should().Contain("agent-sessions-worker: ").And.Contain(flag);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Worker_Help_PrintsUsageAndExitsZero(string flag)
    {
        _worker = StartWorker(new Dictionary<string, string>(), flag);

        _worker.WaitForExit(Bound).Should().BeTrue();
        _worker.WaitForExit(); // drains the redirected output
        _worker.ExitCode.Should().Be(0, Output());
        var usage = string.Join('\n', StdoutLines());
        usage.Should().StartWith("Usage: agent-sessions-worker [options]");
        foreach (var option in (string[])["--workspace", "--tmux-socket", "--tmux-socket-path", "--interval", "--heartbeat-interval", "--gateway", "--broker", "--publish-status", "--host-id", "--help"])
        {
            usage.Should().Contain(option);
        }
    }

    [Fact]
    public void Worker_SqliteGatewayWithoutHermesTask_ExitsWithOneSentenceNamingTheVariable()
    {
        File.WriteAllText(Path.Combine(Workspace, ".hermes", "agent-sessions.yaml"), "version: 1\nworkspace: lab\nsessions: []\n");

        _worker = StartWorker(new Dictionary<string, string>(), "--workspace", Workspace, "--tmux-socket", _socket, "--gateway", "sqlite");

        _worker.WaitForExit(Bound).Should().BeTrue("the worker cannot run without its card\n" + Output());
        _worker.WaitForExit(); // drains the redirected output
        _worker.ExitCode.Should().Be(78, Output());
        Output().Should().Contain("The agent-sessions monitor cannot start: No Hermes task: set HERMES_KANBAN_TASK")
            .And.NotContain("Unhandled exception").And.NotContain("   at ", "one sentence, no stack trace");
    }

    [Fact]
    public void Worker_BrokerCaFileEmpty_ExitsWithOneSentenceNamingTheFile()
    {
        File.WriteAllText(Path.Combine(Workspace, ".hermes", "agent-sessions.yaml"), "version: 1\nworkspace: lab\nsessions: []\n");
        var ca = Path.Combine(Workspace, "empty-ca.pem");
        File.WriteAllText(ca, string.Empty);

        _worker = StartWorker(
            new Dictionary<string, string> { ["AGENT_SESSIONS_BROKER_CA"] = ca },
            "--workspace", Workspace, "--tmux-socket", _socket, "--gateway", "jsonl", "--broker", "mqtts://127.0.0.1:8883");

        _worker.WaitForExit(Bound).Should().BeTrue("the MQTT trigger cannot run without a CA certificate\n" + Output());
        _worker.WaitForExit(); // drains the redirected output
        _worker.ExitCode.Should().Be(78, Output());
        Output().Should().Contain("The agent-sessions MQTT trigger cannot start: ").And.Contain(ca)
            .And.NotContain("Unhandled exception").And.NotContain("   at ", "one sentence, no stack trace");
    }

    [Fact]
    public async Task Worker_PublishStatus_PublishesItsSignedStatusToTheFleetOverARealBroker()
    {
        Tmux("new-session", "-d", "-s", "lab-web-creator-claude", "-c", Workspace, "sleep 3600");
        File.WriteAllText(Path.Combine(Workspace, ".hermes", "agent-sessions.yaml"), $"""
            version: 1
            workspace: lab
            sessions:
              - name: lab-web-creator-claude
                agent: claude
                cwd: {Workspace}
                status: running
                last_visible_status: running
                jobs:
                  - job_id: j-1
                    auth_token: "tok-never-published"
                    status: running
            """);
        await using var broker = await MosquittoBroker.StartAsync();

        _worker = StartWorker(
            new Dictionary<string, string> { ["AGENT_SESSIONS_FLEET_KEY"] = "fleet-key-e2e" },
            "--workspace", Workspace, "--tmux-socket", _socket, "--gateway", "jsonl", "--interval", "1",
            "--broker", broker.Url, "--publish-status", "--host-id", "worker-e2e");

        // The status is retained: a reader that subscribes after it was published still gets it.
        using var reader = Process.Start(new ProcessStartInfo("mosquitto_sub")
        {
            ArgumentList = { "-h", "127.0.0.1", "-p", broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "agent-sessions/fleet/hosts/worker-e2e/workspaces/lab/status", "-C", "1", "-W", "90" },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var status = await reader.StandardOutput.ReadToEndAsync();
        await reader.WaitForExitAsync();

        reader.ExitCode.Should().Be(0, "a retained status arrives within the bound\n" + Output());
        status.Should().Contain("\"host\":\"worker-e2e\"").And.Contain("lab-web-creator-claude").And.Contain("\"sig\":")
            .And.NotContain("tok-never-published", "no secret leaves the host");
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static List<(string Author, string Body)> Comments(TestBoard board) =>
        [.. board.Rows("task_comments", "task_id = $t", ("$t", TaskId)).Select(r => ((string)r["author"]!, (string)r["body"]!))];

    private static List<(string Kind, string? Payload)> Events(TestBoard board) =>
        [.. board.Rows("task_events", "task_id = $t", ("$t", TaskId)).Select(r => ((string)r["kind"]!, (string?)r["payload"]))];

    private Process StartWorker(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = typeof(WorkerProcessTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "WorkerAssembly").Value!;
        File.Exists(dll).Should().BeTrue($"the sample is built at {dll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Workspace,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing of the test runner's Hermes or tmux context leaks into the worker.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("HERMES_", StringComparison.Ordinal) || k.StartsWith("AGENT_SESSIONS_", StringComparison.Ordinal) || k is "TMUX" or "RECONCILE_POLL_INTERVAL").ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["HOME"] = Path.Combine(_root, "home");
        start.Environment["CLAUDE_CONFIG_DIR"] = Path.Combine(_root, "home", ".claude");
        start.Environment["AGENT_SESSIONS_STATE_DIR"] = Path.Combine(_root, "state");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data, stdout: true);
        process.ErrorDataReceived += (_, e) => Append(e.Data, stdout: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static Dictionary<string, string> HermesEnvironment(string databasePath) => new()
    {
        ["HERMES_KANBAN_DB"] = databasePath,
        ["HERMES_KANBAN_TASK"] = TaskId,
        ["HERMES_KANBAN_RUN_ID"] = "1",
        ["HERMES_KANBAN_CLAIM_LOCK"] = "e2e-host:4242",
        ["HERMES_PROFILE"] = Profile,
        ["HERMES_KANBAN_GOAL_MODE"] = "1",
        ["HERMES_KANBAN_GOAL_MAX_TURNS"] = "100",
    };

    /// <summary>How often a bounded wait re-checks its condition (not a wait for anything by itself).</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private async Task UntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_worker is { HasExited: true })
            {
                throw new InvalidOperationException($"The worker exited ({_worker.ExitCode}) before {what}.\n{Output()}");
            }

            if (clock.Elapsed > Bound)
            {
                throw new TimeoutException($"Timed out waiting for {what}.\n{Output()}");
            }

            await Task.Delay(PollInterval);
        }
    }

    private string Tmux(params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("TMUX");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("tmux " + string.Join(' ', args));
        }

        process.ExitCode.Should().Be(0, $"tmux {string.Join(' ', args)}: {stderr.Result}");
        return stdout.Result;
    }

    private string TmuxQuiet(params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])["-L", _socket, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            process.Kill(entireProcessTree: true);
            return string.Empty;
        }

        return process.ExitCode == 0 ? stdout.Result : string.Empty;
    }

    private void Append(string? line, bool stdout)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
                if (stdout)
                {
                    _stdout.Add(line);
                }
            }
        }
    }

    private IReadOnlyList<string> StdoutLines()
    {
        lock (_output)
        {
            return [.. _stdout];
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return "worker output:\n" + _output;
        }
    }

    public void Dispose()
    {
        if (_worker is { HasExited: false })
        {
            _worker.Kill(entireProcessTree: true);
            _worker.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _worker?.Dispose();
        _board?.Dispose();
        try
        {
            // kill-server may leave the socket file behind: learn its path first, then remove it.
            var socketPath = TmuxQuiet("display-message", "-p", "#{socket_path}").Trim();
            TmuxQuiet("kill-server");
            if (socketPath.Length > 0 && File.Exists(socketPath))
            {
                File.Delete(socketPath);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // tmux is not installed: nothing to clean.
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
