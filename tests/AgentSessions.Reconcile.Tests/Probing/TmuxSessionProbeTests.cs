using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>Integration tests against real tmux 3.x on private sockets.</summary>
public sealed class TmuxSessionProbeTests : IDisposable
{
    private readonly TmuxTestServer server = new();
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        server.Dispose();
        temp.Dispose();
    }

    private static TmuxSessionProbe CreateProbe(SessionProbeOptions options, IReadOnlyDictionary<string, string?>? environment = null) =>
        new(ProbeSettings.From(options, new FileSystem()), new ProcessRunner(), environment);

    private TmuxSessionProbe CreateProbe() => CreateProbe(new SessionProbeOptions { TmuxSocketName = server.SocketName });

    [Fact]
    public async Task ProbeAsync_OddNamesAndPaths_ReportsEverySessionWithItsPanes()
    {
        var spaces = temp.CreateDirectory("with spaces");
        var tab = temp.CreateDirectory("tab\there");
        var newline = temp.CreateDirectory("new\nline");
        var sentinelLike = temp.CreateDirectory("x\nASR1\tfake\t1\t0\t0\t11\t0\t1\t1\t%1\tsh\tend");
        var unicode = temp.CreateDirectory("ünï cödé ☃");
        server.NewSession("plain", spaces);
        server.NewSession("x.y:z", tab);
        server.NewSession("ünï name", newline);
        server.NewSession("t\tab", unicode);
        server.NewSession("sentinel", sentinelLike);
        var probe = CreateProbe();

        // A pane whose process is still starting has no current path yet: wait for all five.
        TmuxState state = TmuxState.Unknown("not probed");
        (await Poll.UntilAsync(
            async () => (state = await probe.ProbeAsync(CancellationToken.None)).Sessions.Values.All(s => s.PrimaryPane?.CurrentPath is not null),
            TimeSpan.FromSeconds(30))).Should().BeTrue();

        state.IsKnown.Should().BeTrue(state.UnknownReason);
        state.Sessions.Keys.Should().BeEquivalentTo(["plain", "x_y_z", "ünï name", "t\\tab", "sentinel"]);
        state.Sessions["plain"].PrimaryPane!.CurrentPath.Should().Be(spaces);
        state.Sessions["x_y_z"].PrimaryPane!.CurrentPath.Should().Be(tab);
        state.Sessions["ünï name"].PrimaryPane!.CurrentPath.Should().Be(newline);
        state.Sessions["t\\tab"].PrimaryPane!.CurrentPath.Should().Be(unicode);
        state.Sessions["sentinel"].PrimaryPane!.CurrentPath.Should().Be(sentinelLike);
        foreach (var session in state.Sessions.Values)
        {
            session.Created.Should().NotBeNull();
            session.Panes.Should().ContainSingle();
            var pane = session.Panes[0];
            pane.Pid.Should().BePositive();
            pane.CurrentCommand.Should().NotBeNullOrEmpty();
            pane.WindowActivity.Should().NotBeNull();
            pane.IsActive.Should().BeTrue();
            pane.IsDead.Should().BeFalse();
        }
    }

    [Fact]
    public async Task ProbeAsync_SessionWithTwoWindowsAndSplit_ReportsEveryPaneAndTheActiveOne()
    {
        var a = temp.CreateDirectory("a");
        var b = temp.CreateDirectory("b");
        server.NewSession("multi", a);
        server.Run(["new-window", "-t", "=multi:", "-c", b, "sleep 3600"]).Should().Be(0);
        server.Run(["split-window", "-t", "=multi:1", "-c", a, "sleep 3600"]).Should().Be(0);

        var state = await CreateProbe().ProbeAsync(CancellationToken.None);

        var session = state.Sessions["multi"];
        session.Panes.Select(p => (p.WindowIndex, p.PaneIndex)).Should().Equal((0, 0), (1, 0), (1, 1));
        session.Panes.Count(p => p.IsActive).Should().Be(1, "only the active pane of the active window counts");
        session.PrimaryPane.Should().Be(session.Panes[2]);
        session.Panes.Select(p => p.Pid).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task ProbeAsync_LocaleNotUtf8_StillParsesTabsAndNames()
    {
        // A service or cron job often has no LANG: tmux then prints every TAB and non-ASCII byte as '_'.
        server.NewSession("ünï", temp.CreateDirectory("d"));
        var noLocale = new Dictionary<string, string?> { ["LANG"] = null, ["LC_ALL"] = null, ["LC_CTYPE"] = null };

        var state = await CreateProbe(new SessionProbeOptions { TmuxSocketName = server.SocketName }, noLocale).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeTrue(state.UnknownReason);
        state.Sessions.Keys.Should().Equal("ünï");
    }

    [Fact]
    public async Task ProbeAsync_NoServer_KnownWithZeroSessions()
    {
        var state = await CreateProbe().ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeTrue(state.UnknownReason);
        state.Sessions.Should().BeEmpty();
    }

    [Fact]
    public async Task ProbeAsync_StaleSocketFile_KnownWithZeroSessions()
    {
        // A server killed with SIGKILL leaves its socket file behind.
        var socketPath = temp.Combine("stale.sock");
        using (var doomed = new TmuxTestServer(socketPath))
        {
            doomed.NewSession("doomed");
            doomed.Run(["display-message", "-p", "#{pid}"], out var pidText).Should().Be(0);
            using var serverProcess = System.Diagnostics.Process.GetProcessById(int.Parse(pidText.Trim(), System.Globalization.CultureInfo.InvariantCulture));
            serverProcess.Kill();
            serverProcess.WaitForExit(5000).Should().BeTrue();
        }

        File.Exists(socketPath).Should().BeTrue("the bound socket file stays behind, like a crashed server's");
        var state = await CreateProbe(new SessionProbeOptions { TmuxSocketPath = socketPath }).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeTrue(state.UnknownReason);
        state.Sessions.Should().BeEmpty();
    }

    [Fact]
    public async Task ProbeAsync_PlainFileAsSocket_KnownWithZeroSessions()
    {
        var socketPath = temp.Combine("plain");
        File.WriteAllText(socketPath, "not a socket");

        var state = await CreateProbe(new SessionProbeOptions { TmuxSocketPath = socketPath }).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeTrue(state.UnknownReason);
        state.Sessions.Should().BeEmpty();
    }

    [Fact]
    public async Task ProbeAsync_SocketPathPermissionDenied_Unknown()
    {
        // Root ignores file modes, so impersonate tmux's own message for a refused socket.
        var fake = temp.WriteScript("tmux-denied", "echo 'error connecting to /tmp/x (Permission denied)' >&2; exit 1");

        var state = await CreateProbe(new SessionProbeOptions { TmuxExecutable = fake }).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeFalse();
        state.UnknownReason.Should().Contain("refused access");
    }

    [Fact]
    public async Task ProbeAsync_ExecutableMissing_UnknownNotZero()
    {
        var options = new SessionProbeOptions { TmuxSocketName = server.SocketName, TmuxExecutable = temp.Combine("no-such-tmux") };

        var state = await CreateProbe(options).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeFalse();
        state.UnknownReason.Should().Contain("not installed");
    }

    [Fact]
    public async Task ProbeAsync_PathWithoutTmux_UnknownNotZero()
    {
        server.NewSession("alive");
        var emptyBin = temp.CreateDirectory("bin");

        var state = await CreateProbe(
            new SessionProbeOptions { TmuxSocketName = server.SocketName },
            new Dictionary<string, string?> { ["PATH"] = emptyBin }).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeFalse();
        state.UnknownReason.Should().Contain("not on PATH");
    }

    [Fact]
    public async Task ProbeAsync_HangingTmux_UnknownAndProcessTreeKilled()
    {
        var pidFile = temp.Combine("child.pid");
        var fake = temp.WriteScript("tmux-hangs", $"sleep 600 &\necho $! > '{pidFile}'\nwait");
        // Long enough for a loaded machine's shell to start the grandchild and write its pid before the kill.
        var options = new SessionProbeOptions { TmuxExecutable = fake, TmuxTimeout = TimeSpan.FromSeconds(3) };

        var state = await CreateProbe(options).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeFalse();
        state.UnknownReason.Should().Contain("timed out");
        (await Poll.UntilAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0, TimeSpan.FromSeconds(30))).Should().BeTrue();
        var pid = File.ReadAllText(pidFile).Trim();
        (await Poll.UntilAsync(() => !Directory.Exists("/proc/" + pid) || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), TimeSpan.FromSeconds(30)))
            .Should().BeTrue("the timeout kills the whole process tree, grandchildren included");
    }

    [Fact]
    public async Task ProbeAsync_ProtocolMismatch_Unknown()
    {
        var fake = temp.WriteScript("tmux-old", "echo 'protocol version mismatch (client 8, server 7)' >&2; exit 1");

        var state = await CreateProbe(new SessionProbeOptions { TmuxExecutable = fake }).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeFalse();
        state.UnknownReason.Should().Contain("versions differ");
    }

    [Fact]
    public async Task ProbeAsync_TmuxSetInEnvironment_ClearedForTheChild()
    {
        var log = temp.Combine("env.log");
        var fake = temp.WriteScript("tmux-env", $"echo \"TMUX=${{TMUX-unset}} PANE=${{TMUX_PANE-unset}}\" >> '{log}'\nexit 0");

        var state = await CreateProbe(
            new SessionProbeOptions { TmuxExecutable = fake },
            new Dictionary<string, string?> { ["TMUX"] = "/tmp/bogus,1,0", ["TMUX_PANE"] = "%1" }).ProbeAsync(CancellationToken.None);

        state.IsKnown.Should().BeTrue();
        File.ReadAllText(log).Trim().Should().Be("TMUX=unset PANE=unset");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public async Task ProbeAsync_AnyNumberOfSessions_StartsExactlyOneTmuxProcess(int sessions)
    {
        for (var i = 0; i < sessions; i++)
        {
            server.NewSession($"s{i}");
        }

        var log = temp.Combine("calls.log");
        var wrapper = temp.WriteScript("tmux-count", $"echo \"$*\" >> '{log}'\nexec tmux \"$@\"");
        var probe = CreateProbe(new SessionProbeOptions { TmuxSocketName = server.SocketName, TmuxExecutable = wrapper });

        var state = await probe.ProbeAsync(CancellationToken.None);

        state.Sessions.Should().HaveCount(sessions);
        var calls = File.ReadAllLines(log);
        calls.Should().ContainSingle().Which.Should().StartWith($"-u -L {server.SocketName} list-panes -a -F ");
    }

    [Fact]
    public async Task ProbeAsync_SessionsExitingDuringPasses_StaysKnownAndKeepsTheLiveOne()
    {
        server.NewSession("stable");
        for (var i = 0; i < 10; i++)
        {
            server.NewSession($"brief{i}", command: $"sleep 0.{i}");
        }

        var probe = CreateProbe();
        var passes = new List<TmuxState>();
        while (passes.Count < 50)
        {
            passes.Add(await probe.ProbeAsync(CancellationToken.None));
            if (passes[^1].Sessions.Count == 1)
            {
                break;
            }
        }

        passes.Should().OnlyContain(s => s.IsKnown && s.Sessions.ContainsKey("stable"));
        (await Poll.UntilAsync(async () => (await probe.ProbeAsync(CancellationToken.None)).Sessions.Count == 1, TimeSpan.FromSeconds(30)))
            .Should().BeTrue("the brief sessions end by themselves");
    }

    [Fact]
    public async Task CapturePaneAsync_ExactName_CapturesThatSessionOnly()
    {
        server.NewSession("probe-d space", command: "printf 'marker-long\\n'; sleep 3600");
        server.NewSession("probe-d", command: "printf 'marker-exact\\n'; sleep 3600");
        var probe = CreateProbe();

        PaneCapture? capture = null;
        (await Poll.UntilAsync(
            async () => (capture = await probe.CapturePaneAsync("probe-d", 20, CancellationToken.None)).Text?.Contains("marker-exact", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30))).Should().BeTrue();

        capture!.Succeeded.Should().BeTrue();
        capture.Text.Should().NotContain("marker-long");
        capture.Text!.Split('\n').Length.Should().BeLessThanOrEqualTo(20);
    }

    [Fact]
    public async Task CapturePaneAsync_PrefixOfAnotherName_FailsInsteadOfMatching()
    {
        server.NewSession("probe-dx");

        var capture = await CreateProbe().CapturePaneAsync("probe-d", 5, CancellationToken.None);

        capture.Succeeded.Should().BeFalse();
        capture.FailureReason.Should().Contain("can't find");
    }

    [Fact]
    public async Task CapturePaneAsync_ManyLines_ReturnsAtMostTheRequestedCount()
    {
        server.NewSession("lines", command: "seq 1 200; sleep 3600");
        var probe = CreateProbe();

        PaneCapture? capture = null;
        (await Poll.UntilAsync(
            async () => (capture = await probe.CapturePaneAsync("lines", 7, CancellationToken.None)).Text?.Contains("200", StringComparison.Ordinal) == true,
            TimeSpan.FromSeconds(30))).Should().BeTrue();

        capture!.Text!.Split('\n').Should().Equal("194", "195", "196", "197", "198", "199", "200");
    }

    [Fact]
    public async Task CapturePaneAsync_NameWithColon_RefusedWithoutCallingTmux()
    {
        var log = temp.Combine("calls.log");
        var wrapper = temp.WriteScript("tmux-count", $"echo \"$*\" >> '{log}'\nexec tmux \"$@\"");
        var probe = CreateProbe(new SessionProbeOptions { TmuxSocketName = server.SocketName, TmuxExecutable = wrapper });

        var capture = await probe.CapturePaneAsync("a:b", 5, CancellationToken.None);

        capture.Succeeded.Should().BeFalse();
        File.Exists(log).Should().BeFalse();
    }

    [Fact]
    public async Task SessionProbeCreate_RealTmux_ProbesTheNamedServer()
    {
        server.NewSession("via-factory");

        var probe = SessionProbe.Create(new SessionProbeOptions { TmuxSocketName = server.SocketName });
        var state = (await probe.ObserveAsync(new AgentSessions.Reconcile.Registry(), "lab")).Tmux;

        state.Sessions.Keys.Should().Equal("via-factory");
        state.SocketPath.Should().EndWith("/" + server.SocketName);
    }
}
