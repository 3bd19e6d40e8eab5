using AgentSessions.Reconcile.Testing;
using AgentSessions.Reconcile.Tests.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RegistryModel = AgentSessions.Reconcile.Registry;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>What is reported once, what is reported every time, and where the coalescing state lives.</summary>
public sealed class ReconcilerCoalescingTests : IDisposable
{
    private const string Landing = "lab-landing-page-creator-claude";
    private readonly TempWorkspace _workspace = new();
    private readonly FakeTimeProvider _time = new(Some.Now);

    public void Dispose() => _workspace.Dispose();

    private string StateDir => Path.Combine(_workspace.Root, "state");

    [Fact]
    public async Task ReconcileAsync_TwoMonitorsOnOneRealWorkspace_EachDriftReportedOnce()
    {
        const int sessions = 20;
        _workspace.Write("""
            version: 1
            workspace: lab
            sessions:
              - name: lab-old-creator-claude
                agent: claude
                status: stopped
                pane: { pid: 999, cmd: claude }

            """);
        FakeSessionProbe Live()
        {
            var probe = new FakeSessionProbe().SetTmuxKnown().AddTmuxSession("lab-old-creator-claude", "/home/u/lab/old", 999, "claude");
            for (var i = 0; i < sessions; i++)
            {
                probe.AddTmuxSession($"lab-p{i}-creator-claude", $"/home/u/lab/p{i}", 1000 + i, "claude");
            }

            return probe;
        }

        // EndStateGrace zero: the stopped row's live tmux (E, report-only) is a drift on the first pass.
        var options = new ReconcilerOptions { WorkspaceName = "lab", StateDirectory = StateDir, EndStateGrace = TimeSpan.Zero };
        var first = Reconciler.Create(_workspace.Store(), Live(), options, _time);
        var reports = new List<DriftReport>();

        // The second monitor has probed and is about to take the registry lock when the first runs a whole pass.
        var secondStore = new HookedStore(_workspace.Store())
        {
            BeforeNextUpdate = () => reports.Add(first.ReconcileAsync(new ReconcileRequest()).GetAwaiter().GetResult()),
        };
        var second = Reconciler.Create(secondStore, Live(), options, _time);
        reports.Add(await second.ReconcileAsync(new ReconcileRequest()));
        for (var pass = 0; pass < 3; pass++)
        {
            reports.Add(await first.ReconcileAsync(new ReconcileRequest()));
            reports.Add(await second.ReconcileAsync(new ReconcileRequest()));
        }

        var drifts = reports.SelectMany(r => r.Drifts).ToList();
        drifts.Where(d => d.Class == DriftClass.Unregistered).Should().HaveCount(sessions, "each new session is one report across both monitors")
            .And.OnlyContain(d => d.Applied);
        drifts.Should().ContainSingle(d => d.Class == DriftClass.EndStateAlive);
        drifts.Should().HaveCount(sessions + 1);
        (await _workspace.Store().LoadAsync()).Sessions.Should().HaveCount(sessions + 1);
    }

    [Fact]
    public async Task ReconcileAsync_RegistryRestoredFromOldCopy_ReTerminationIsReportedAgain()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)), _workspace.Root);
        var probe = new FakeSessionProbe().SetTmuxKnown();
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions { StateDirectory = StateDir }, _time);

        var first = await reconciler.ReconcileAsync(new ReconcileRequest());
        store.Set(Some.Registry(Some.Row(Landing))); // a person restores yesterday's copy
        var second = await reconciler.ReconcileAsync(new ReconcileRequest());

        first.Drifts.Should().ContainSingle().Which.Applied.Should().BeTrue();
        second.Drifts.Should().ContainSingle("a change this pass wrote is never silenced").Which.Applied.Should().BeTrue();
        second.RegistryWritten.Should().BeTrue();
    }

    [Fact]
    public async Task ReconcileAsync_ReportOnlyDriftTwice_ReportedOnce()
    {
        var row = Some.Row(Landing, SessionStatus.Stopped);
        var store = new FakeRegistryStore(Some.Registry(row), _workspace.Root);
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions { StateDirectory = StateDir }, _time);

        var reports = new List<DriftReport>();
        for (var i = 0; i < 3; i++)
        {
            reports.Add(await reconciler.ReconcileAsync(new ReconcileRequest()));
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        reports.SelectMany(r => r.Drifts).Should().ContainSingle(d => d.Class == DriftClass.EndStateAlive);
    }

    [Fact]
    public async Task ReconcileAsync_DefaultStateFolderCreated_CacheHasGitignoreWithStar()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)), _workspace.Root);
        var probe = new FakeSessionProbe().SetTmuxKnown();

        await Reconciler.Create(store, probe, new ReconcilerOptions(), _time).ReconcileAsync(new ReconcileRequest());

        Directory.GetFiles(Path.Combine(_workspace.Root, ".cache", "tmux-agent-orchestrate-monitor")).Should().ContainSingle();
        File.ReadAllText(Path.Combine(_workspace.Root, ".cache", ".gitignore")).Should().Be("*\n");
    }

    [Fact]
    public async Task ReconcileAsync_StateFolderIsAFile_SaidOnceAndDriftNotRepeated()
    {
        var blocker = Path.Combine(_workspace.Root, "not-a-folder");
        File.WriteAllText(blocker, "x");
        var row = Some.Row(Landing, SessionStatus.Stopped);
        var store = new FakeRegistryStore(Some.Registry(row), _workspace.Root);
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");
        var logger = new CollectingLogger<ReconcilerCoalescingTests>();
        using var loggerFactory = new SingleLoggerFactory(logger);
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions { StateDirectory = Path.Combine(blocker, "state") }, _time, loggerFactory);

        var reports = new List<DriftReport>();
        for (var i = 0; i < 3; i++)
        {
            reports.Add(await reconciler.ReconcileAsync(new ReconcileRequest()));
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        logger.Records.Where(r => r.Level == LogLevel.Warning && r.Message.Contains("state", StringComparison.OrdinalIgnoreCase))
            .Should().ContainSingle("state-file trouble is said once");
        reports.SelectMany(r => r.Drifts).Should().ContainSingle("the process remembers what it reported when the file cannot");
    }

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }

    /// <summary>A real store that runs a hook once before the next update asks for the lock.</summary>
    private sealed class HookedStore(IRegistryStore inner) : IRegistryStore
    {
        public Action? BeforeNextUpdate { get; set; }

        public string RegistryPath => inner.RegistryPath;

        public string WorkspaceRoot => inner.WorkspaceRoot;

        public Task<RegistryModel> LoadAsync(CancellationToken cancellationToken = default) => inner.LoadAsync(cancellationToken);

        public Task<RegistryUpdateResult<TResult>> UpdateAsync<TResult>(Func<RegistryModel, TResult> apply, RegistryUpdateOptions? options = null, CancellationToken cancellationToken = default)
        {
            var hook = BeforeNextUpdate;
            BeforeNextUpdate = null;
            hook?.Invoke();
            return inner.UpdateAsync(apply, options, cancellationToken);
        }
    }
}
