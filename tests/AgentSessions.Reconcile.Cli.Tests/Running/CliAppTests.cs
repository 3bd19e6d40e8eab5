using System.Runtime.InteropServices;
using System.Text.Json;
using AgentSessions.Reconcile.Cli.Running;
using AgentSessions.Reconcile.Cli.Tests.TestSupport;

namespace AgentSessions.Reconcile.Cli.Tests.Running;

public sealed class CliAppTests
{
    private const string RegistryAtWs = "/ws/.hermes/agent-sessions.yaml";

    [Fact]
    public async Task Run_OnceEmitDiff_PrintsOneSchemaValidJsonLine()
    {
        var reconciler = new ScriptedReconciler((_, r) => Some.Report(Some.TmuxGone()));
        var cli = new CliHarness(reconciler);
        cli.ExistingFiles.Add(RegistryAtWs);

        var code = await cli.RunAsync("reconcile", "--once", "--emit-diff", "--workspace", "/ws");

        code.Should().Be(0);
        var lines = cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle();
        DriftReportSchema.Validate(lines[0]).Should().BeEmpty();
        using var doc = JsonDocument.Parse(lines[0]);
        doc.RootElement.GetProperty("registry").GetString().Should().Be(RegistryAtWs);
        doc.RootElement.GetProperty("workspace_root").GetString().Should().Be("/ws");
        cli.Error.ToString().Should().BeEmpty();
        reconciler.Requests.Should().ContainSingle().Which.Trigger.Should().Be(ReconcileTrigger.Manual);
    }

    [Fact]
    public async Task Run_DryRun_RequestIsDryRun()
    {
        var reconciler = new ScriptedReconciler((_, r) => new DriftReport("lab", Some.At, r.DryRun, []));
        var cli = new CliHarness(reconciler);

        await cli.RunAsync("reconcile", "--once", "--dry-run", "--emit-diff");

        reconciler.Requests.Single().DryRun.Should().BeTrue();
        cli.Out.ToString().Should().Contain("\"dry_run\":true");
    }

    [Fact]
    public async Task Run_NoRegistry_NoteOnStderrJsonStillOnStdout()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("reconcile", "--once", "--emit-diff");

        code.Should().Be(0);
        cli.Error.ToString().Should().Be(
            "agent-sessions: note: no registry at /work/here/.hermes/agent-sessions.yaml; starting from an empty one (the file is created when a session is registered).\n");
        JsonDocument.Parse(cli.Out.ToString()).RootElement.GetProperty("drifts").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Run_NoRegistryAndRegistration_SaysFileCreated()
    {
        var cli = new CliHarness(new ScriptedReconciler((_, _) =>
            new DriftReport("lab", Some.At, false, [Some.Registered()]) { RegistryWritten = true, RegistryCreated = true }));

        await cli.RunAsync("reconcile", "--once");

        cli.Error.ToString().Should().EndWith("agent-sessions: note: created /work/here/.hermes/agent-sessions.yaml.\n");
        cli.Out.ToString().Should().Be("B lab-paper-creator-agy: tmux found but not in YAML. Auto-registered.\n");
    }

    [Fact]
    public async Task Run_WithoutEmitDiffNoDrift_SaysNoDrift()
    {
        var cli = new CliHarness(new ScriptedReconciler((_, _) => new DriftReport("lab", Some.At, false, []) { SessionCount = 4, RunningCount = 3 }));
        cli.ExistingFiles.Add("/work/here/.hermes/agent-sessions.yaml");

        await cli.RunAsync("reconcile", "--once");

        cli.Out.ToString().Should().Be("no new drift (4 sessions, 3 running)\n");
    }

    [Fact]
    public async Task Run_TmuxUnknown_NoteOnStderr()
    {
        var cli = new CliHarness(new ScriptedReconciler((_, _) =>
            new DriftReport("lab", Some.At, false, []) { TmuxKnown = false, TmuxUnknownReason = "tmux timed out after 5 s" }));
        cli.ExistingFiles.Add("/work/here/.hermes/agent-sessions.yaml");

        var code = await cli.RunAsync("reconcile", "--once", "--emit-diff");

        code.Should().Be(0);
        cli.Error.ToString().Should().Contain("tmux state unknown (tmux timed out after 5 s)");
    }

    [Fact]
    public async Task Run_WorkspaceFoundAbove_UsedWithEnvironmentRoots()
    {
        var cli = new CliHarness();
        cli.Factory.FoundRoot = "/work";
        cli.Variables["HOME"] = "/h";
        cli.Variables["CLAUDE_CONFIG_DIR"] = "/h/claude";
        cli.Variables["AGENT_SESSIONS_STATE_DIR"] = "/state";

        await cli.RunAsync("reconcile", "--once", "--tmux-socket", "asr-x");

        cli.Factory.Settings.Should().Be(new CliSettings("/work", "asr-x", null, "/h", "/h/claude", "/state", null));
    }

    [Fact]
    public async Task Run_NoWorkspaceAbove_CurrentFolderIsWorkspace()
    {
        var cli = new CliHarness();

        await cli.RunAsync("status", "--tmux-socket-path", "/tmp/sock");

        cli.Factory.Settings!.WorkspaceRoot.Should().Be("/work/here");
        cli.Factory.Settings.TmuxSocketPath.Should().Be("/tmp/sock");
        cli.Factory.Settings.HomeDirectory.Should().BeNull();
    }

    [Fact]
    public async Task Run_RelativeWorkspace_ResolvedAgainstCurrentFolderAndWinsOverSearch()
    {
        var cli = new CliHarness();
        cli.Factory.FoundRoot = "/elsewhere";
        cli.ExistingDirectories.Add("/work/here/sub");

        await cli.RunAsync("reconcile", "--once", "--workspace", "sub");

        cli.Factory.Settings!.WorkspaceRoot.Should().Be("/work/here/sub");
    }

    [Fact]
    public async Task Run_MissingWorkspaceFolder_Usage2()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("reconcile", "--once", "--workspace", "/nope");

        code.Should().Be(ExitCodes.Usage);
        cli.Error.ToString().Should().Be(
            "agent-sessions: '--workspace' folder '/nope' does not exist.\nRun 'agent-sessions reconcile --help' for usage.\n");
    }

    [Fact]
    public async Task Run_BadFlag_Usage2NothingOnStdout()
    {
        var cli = new CliHarness();

        var code = await cli.RunAsync("reconcile", "--bogus");

        code.Should().Be(2);
        cli.Out.ToString().Should().BeEmpty();
        cli.Error.ToString().Should().StartWith("agent-sessions: unknown option '--bogus' for 'reconcile'.\n");
    }

    [Fact]
    public async Task Run_BadPollIntervalVariable_Usage2BeforeAnyPass()
    {
        var reconciler = new ScriptedReconciler((_, _) => Some.Report());
        var cli = new CliHarness(reconciler);
        cli.Variables["RECONCILE_POLL_INTERVAL"] = "fast";

        var code = await cli.RunAsync("reconcile");

        code.Should().Be(2);
        reconciler.Requests.Should().BeEmpty();
        cli.Error.ToString().Should().Contain("RECONCILE_POLL_INTERVAL must be a whole number of seconds");
    }

    [Fact]
    public async Task Run_BadPollIntervalVariableWithOnce_Ignored()
    {
        var cli = new CliHarness();
        cli.Variables["RECONCILE_POLL_INTERVAL"] = "fast";

        (await cli.RunAsync("reconcile", "--once")).Should().Be(0);
    }

    public static TheoryData<Exception, int, string> Failures => new()
    {
        {
            new RegistryException(RegistryErrorKind.Schema, "/ws/.hermes/agent-sessions.yaml", "status 'Running?' is not one of running, stopped, terminated, archived.", 7, 13, "sessions[0].status"),
            3,
            "agent-sessions: /ws/.hermes/agent-sessions.yaml:7:13: status 'Running?' is not one of running, stopped, terminated, archived. (field sessions[0].status)\n"
        },
        {
            new RegistryException(RegistryErrorKind.Syntax, "/r.yaml", "while scanning a quoted scalar, found unexpected end of stream.", 3, 1),
            3,
            "agent-sessions: /r.yaml:3:1: while scanning a quoted scalar, found unexpected end of stream.\n"
        },
        { new RegistryException(RegistryErrorKind.DuplicateKey, "/r.yaml", "key 'name' appears twice in sessions[1].", 9, 5, "sessions[1].name"), 3, "agent-sessions: /r.yaml:9:5: key 'name' appears twice in sessions[1]. (field sessions[1].name)\n" },
        { new RegistryException(RegistryErrorKind.TooLarge, "/r.yaml", "the file is larger than 16 MiB."), 3, "agent-sessions: /r.yaml: the file is larger than 16 MiB.\n" },
        { new RegistryException(RegistryErrorKind.Locked, "/r.yaml", "another writer held the lock for more than 10 s."), 4, "agent-sessions: /r.yaml: another writer held the lock for more than 10 s.\n" },
        { new RegistryException(RegistryErrorKind.Io, "/r.yaml", "permission denied."), 5, "agent-sessions: /r.yaml: permission denied.\n" },
        { new UnauthorizedAccessException("Access to the path '/x' is denied."), 5, "agent-sessions: Access to the path '/x' is denied.\n" },
        { new IOException("No space left on device."), 5, "agent-sessions: No space left on device.\n" },
        {
            new RegistryException(RegistryErrorKind.Schema, "/r.yaml", "/r.yaml:5:13: sessions[0].status: 'Running?' is not a session status.", 5, 13, "sessions[0].status"),
            3,
            "agent-sessions: /r.yaml:5:13: sessions[0].status: 'Running?' is not a session status.\n"
        },
        { new InvalidOperationException("boom"), 1, "agent-sessions: internal error: InvalidOperationException: boom\n" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Run_OnceFails_ExitCodeAndOneLineOnStderr(Exception failure, int expectedCode, string expectedError)
    {
        var cli = new CliHarness(new ScriptedReconciler((_, _) => throw failure));
        cli.ExistingFiles.Add("/work/here/.hermes/agent-sessions.yaml");

        var code = await cli.RunAsync("reconcile", "--once", "--emit-diff");

        code.Should().Be(expectedCode);
        cli.Error.ToString().Should().Be(expectedError);
        cli.Out.ToString().Should().BeEmpty();
    }

    [Fact]
    public async Task Run_StatusInvalidRegistry_Exit3()
    {
        var cli = new CliHarness();
        cli.Factory.LoadError = new RegistryException(RegistryErrorKind.Syntax, "/r.yaml", "bad indentation.", 2, 3);

        (await cli.RunAsync("status")).Should().Be(3);
        cli.Error.ToString().Should().EndWith("agent-sessions: /r.yaml:2:3: bad indentation.\n");
    }

    [Fact]
    public async Task Run_Loop_PassesUntilSigintThenInterrupted()
    {
        using var cts = new CancellationTokenSource();
        CliHarness? cli = null;
        var reconciler = new ScriptedReconciler((n, _) =>
        {
            if (n == 3)
            {
                cli!.Stop.Record(PosixSignal.SIGINT);
                cts.Cancel();
            }

            return new DriftReport("lab", Some.At, false, []) { RequeueAfter = TimeSpan.Zero };
        });
        cli = new CliHarness(reconciler);

        var code = await cli.RunAsync(cts.Token, "reconcile");

        code.Should().Be(ExitCodes.Interrupted);
        reconciler.Requests.Should().HaveCount(3).And.OnlyContain(r => r.Trigger == ReconcileTrigger.Timer && !r.DryRun);
        cli.Error.ToString().Should().EndWith("agent-sessions: interrupted.\n");
    }

    [Fact]
    public async Task Run_ErrorAfterCtrlC_IsInterruptedNotAFailure()
    {
        // Ctrl-C lands, then the work in flight fails with its own error (a closed pipe, a refused broker):
        // the stop is what the person asked for, so the run says interrupted, not the error.
        using var cts = new CancellationTokenSource();
        CliHarness? cli = null;
        var reconciler = new ScriptedReconciler((_, _) =>
        {
            cli!.Stop.Record(PosixSignal.SIGINT);
            cts.Cancel();
            throw new IOException("Broken pipe");
        });
        cli = new CliHarness(reconciler);

        var code = await cli.RunAsync(cts.Token, "reconcile", "--once");

        code.Should().Be(ExitCodes.Interrupted);
        cli.Error.ToString().Should().EndWith("agent-sessions: interrupted.\n");
    }

    [Theory]
    [InlineData(new[] { "reconcile" }, null, null)]
    [InlineData(new[] { "reconcile" }, "15", 15)]
    [InlineData(new[] { "reconcile", "--interval", "7" }, "15", 7)]
    [InlineData(new[] { "reconcile", "--interval=90" }, null, 90)]
    [InlineData(new[] { "reconcile", "--once" }, "15", null)]
    public async Task Run_EnvironmentAndFlagIntervals_GoToTheReconcilerOptions(string[] args, string? variable, int? expectedSeconds)
    {
        using var cts = new CancellationTokenSource();
        var cli = new CliHarness(new ScriptedReconciler((_, _) =>
        {
            cts.Cancel();
            return new DriftReport("lab", Some.At, false, []);
        }));
        if (variable is not null)
        {
            cli.Variables["RECONCILE_POLL_INTERVAL"] = variable;
        }

        await cli.RunAsync(cts.Token, args);

        cli.Factory.Settings!.PollInterval.Should().Be(expectedSeconds is { } s ? TimeSpan.FromSeconds(s) : null);
    }

    [Fact]
    public async Task Run_LoopSigterm_ExitsZero()
    {
        using var cts = new CancellationTokenSource();
        CliHarness? cli = null;
        cli = new CliHarness(new ScriptedReconciler((_, _) =>
        {
            cli!.Stop.Record(PosixSignal.SIGTERM);
            cts.Cancel();
            return Some.Report();
        }));

        (await cli.RunAsync(cts.Token, "reconcile")).Should().Be(0);
        cli.Error.ToString().Should().EndWith("agent-sessions: stopped (SIGTERM).\n");
    }

    [Fact]
    public async Task Run_LoopPassFails_ReportsAndKeepsGoing()
    {
        using var cts = new CancellationTokenSource();
        var reconciler = new ScriptedReconciler((n, _) =>
        {
            if (n == 2)
            {
                throw new RegistryException(RegistryErrorKind.Syntax, "/r.yaml", "bad.", 1, 2);
            }

            if (n == 3)
            {
                cts.Cancel();
            }

            return new DriftReport("lab", Some.At, false, [Some.TmuxGone()]) { RequeueAfter = TimeSpan.Zero };
        });
        var cli = new CliHarness(reconciler);

        await cli.RunAsync(cts.Token, "reconcile", "--emit-diff");

        reconciler.Requests.Should().HaveCount(3, "a failed pass waits as long as the last report said, then tries again");
        cli.Error.ToString().Should().Contain("agent-sessions: /r.yaml:1:2: bad.\n");
        cli.Out.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2);
    }

    [Fact]
    public async Task Run_LoopStateProblem_WarnsOnStderrAsTheReportSaysIt()
    {
        using var cts = new CancellationTokenSource();
        var reconciler = new ScriptedReconciler((n, _) =>
        {
            if (n == 3)
            {
                cts.Cancel();
            }

            return new DriftReport("lab", Some.At, false, [])
            {
                RequeueAfter = TimeSpan.Zero,
                StateProblem = n == 1 ? "the coalescing state /w/s/lab.state could not be written (Not a directory)" : null,
            };
        });
        var cli = new CliHarness(reconciler);

        await cli.RunAsync(cts.Token, "reconcile");

        cli.Error.ToString().Split('\n').Where(l => l.Contains("coalescing state", StringComparison.Ordinal)).Should().Equal(
            "agent-sessions: warning: the coalescing state /w/s/lab.state could not be written (Not a directory).");
    }

    [Fact]
    public async Task Run_OnceCancelledBySigterm_Exit143()
    {
        using var cts = new CancellationTokenSource();
        var cli = new CliHarness(new ScriptedReconciler((_, _) =>
        {
            throw new OperationCanceledException();
        }));
        cli.Stop.Record(PosixSignal.SIGTERM);
        await cts.CancelAsync();

        (await cli.RunAsync(cts.Token, "reconcile", "--once")).Should().Be(143);
    }

    [Fact]
    public async Task Run_Help_PrintsUsageExit0()
    {
        var cli = new CliHarness();

        (await cli.RunAsync("--help")).Should().Be(0);
        cli.Out.ToString().Should().Contain("agent-sessions reconcile [--once] [--emit-diff] [--dry-run]").And.Contain("Exit codes");
        (await cli.RunAsync("reconcile", "--help")).Should().Be(0);
        cli.Out.ToString().Should().Contain("--tmux-socket-path PATH");
    }

    [Fact]
    public async Task Run_ReconcileHelp_SaysAWaitsFiveSeconds()
    {
        var cli = new CliHarness();

        (await cli.RunAsync("reconcile", "--help")).Should().Be(0);
        cli.Out.ToString().Should().Contain("A waits 5 s: a running row written (created_at/updated_at) under 5 s ago").And.Contain("says \"no new drift\"");
    }

    [Fact]
    public async Task Run_RegistryWrittenNotCreated_NoCreatedNote()
    {
        var cli = new CliHarness(new ScriptedReconciler((_, _) =>
            new DriftReport("lab", Some.At, false, [Some.Registered()]) { RegistryWritten = true }));

        await cli.RunAsync("reconcile", "--once");

        cli.Error.ToString().Should().NotContain("created /work/here");
    }

    [Fact]
    public async Task Run_Version_PrintsSemver()
    {
        var cli = new CliHarness();

        (await cli.RunAsync("--version")).Should().Be(0);
        cli.Out.ToString().Should().MatchRegex("^agent-sessions [0-9]+\\.[0-9]+\\.[0-9]+[^+\\s]*\n$");
    }

    [Fact]
    public async Task Run_StatusTable_NoColourWhenNotTerminal()
    {
        var cli = new CliHarness();
        cli.Factory.Registry.Sessions.Add(new SessionRow("here-a-creator-claude") { Status = SessionStatus.Running });
        cli.Factory.Probe.Tmux = TmuxState.Known([new TmuxSession("here-a-creator-claude", null, [])]);
        cli.Factory.LastDrifts["here-a-creator-claude"] = new LastDrift("C", null, null);

        (await cli.RunAsync("status")).Should().Be(0);

        cli.Out.ToString().Should().Be(
            "workspace here (/work/here/.hermes/agent-sessions.yaml) - no registry yet\n"
            + "SESSION                STATUS   LIVE   PANE  CLAUDE ID  AGY ID  LAST DRIFT\n"
            + "here-a-creator-claude  running  alive  -     -          -       C\n");
    }

    [Theory]
    [InlineData(true, null, true)]
    [InlineData(true, "1", false)]
    [InlineData(false, null, false)]
    public async Task Run_StatusColour_OnlyOnTerminalWithoutNoColor(bool terminal, string? noColor, bool expectColour)
    {
        var cli = new CliHarness { Terminal = terminal };
        if (noColor is not null)
        {
            cli.Variables["NO_COLOR"] = noColor;
        }

        cli.Factory.Registry.Sessions.Add(new SessionRow("here-a-creator-claude") { Status = SessionStatus.Running });

        await cli.RunAsync("status");

        cli.Out.ToString().Contains('\u001b', StringComparison.Ordinal).Should().Be(expectColour);
    }

    [Fact]
    public async Task Run_StatusJson_OneObject()
    {
        var cli = new CliHarness();
        cli.Factory.Registry.Sessions.Add(new SessionRow("here-a-creator-claude") { Status = SessionStatus.Terminated });

        (await cli.RunAsync("status", "--json")).Should().Be(0);

        using var doc = JsonDocument.Parse(cli.Out.ToString());
        doc.RootElement.GetProperty("sessions")[0].GetProperty("live").GetString().Should().Be("gone");
        doc.RootElement.GetProperty("sessions")[0].GetProperty("status").GetString().Should().Be("terminated");
    }
}
