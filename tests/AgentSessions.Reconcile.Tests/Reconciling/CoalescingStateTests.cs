using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

public sealed class CoalescingStateTests : IDisposable
{
    private const string Landing = "lab-landing-page-creator-claude";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "asr-coalesce-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(Some.Now);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task ReconcileAsync_RepeatedStaleId_ReportedOnce()
    {
        var (store, probe) = StaleScenario("87dc548e");
        var reconciler = Create(store, probe);

        var first = await reconciler.ReconcileAsync(new ReconcileRequest());
        var second = await reconciler.ReconcileAsync(new ReconcileRequest());

        first.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.StaleId);
        second.Drifts.Should().BeEmpty();
        second.CoalescedCount.Should().Be(1);
        File.Exists(DefaultStatePath()).Should().BeTrue("the state lives under <root>/.cache/tmux-agent-orchestrate-monitor by default");
        store.WriteCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_StaleIdChanges_ReportedAgain()
    {
        var (store, probe) = StaleScenario("87dc548e");
        var reconciler = Create(store, probe);
        await reconciler.ReconcileAsync(new ReconcileRequest());

        store.Edit(r => r.Find(Landing)!.AgentIdentities["claude"]["session_id"] = "11111111");
        var changed = await reconciler.ReconcileAsync(new ReconcileRequest());

        changed.Drifts.Should().ContainSingle().Which.Before.Should().Be("11111111");
        changed.CoalescedCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_StaleIdResolvedThenStaleAgain_ReportedAgain()
    {
        var (store, probe) = StaleScenario("87dc548e");
        var reconciler = Create(store, probe);
        await reconciler.ReconcileAsync(new ReconcileRequest());

        probe.SetClaudeSessionPresence("87dc548e", ArtifactPresence.Present);
        (await reconciler.ReconcileAsync(new ReconcileRequest())).Drifts.Should().BeEmpty();
        probe.SetClaudeSessionPresence("87dc548e", null);
        var again = await reconciler.ReconcileAsync(new ReconcileRequest());

        again.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.StaleId);
    }

    [Fact]
    public async Task ReconcileAsync_PresenceUnknownForAPass_DoesNotReportAgain()
    {
        var (store, probe) = StaleScenario("87dc548e");
        var reconciler = Create(store, probe);
        await reconciler.ReconcileAsync(new ReconcileRequest());

        probe.SetClaudeSessionPresence("87dc548e", ArtifactPresence.Unknown);
        await reconciler.ReconcileAsync(new ReconcileRequest());
        probe.SetClaudeSessionPresence("87dc548e", null);
        var back = await reconciler.ReconcileAsync(new ReconcileRequest());

        back.Drifts.Should().BeEmpty();
        back.CoalescedCount.Should().Be(1);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[]")]
    [InlineData("{\"version\": 99}")]
    [InlineData("{\"version\": 1, \"reported\": {\"x\": 3}}")]
    [InlineData("")]
    public async Task ReconcileAsync_CorruptStateFile_IsReplaced(string corrupt)
    {
        var (store, probe) = StaleScenario("87dc548e");
        Directory.CreateDirectory(Path.GetDirectoryName(DefaultStatePath())!);
        await File.WriteAllTextAsync(DefaultStatePath(), corrupt);
        var reconciler = Create(store, probe);

        var first = await reconciler.ReconcileAsync(new ReconcileRequest());
        var second = await reconciler.ReconcileAsync(new ReconcileRequest());

        first.Drifts.Should().ContainSingle();
        second.Drifts.Should().BeEmpty();
        var text = await File.ReadAllTextAsync(DefaultStatePath());
        FileDriftStateStore.Parse(text).Reported.Should().ContainKey(new DriftKey(DriftClass.StaleId, Landing, "agent_identities.claude.session_id"));
        Directory.GetFiles(Path.GetDirectoryName(DefaultStatePath())!).Should().ContainSingle("no temp file is left behind");
    }

    [Fact]
    public async Task ReconcileAsync_DryRun_ReadsButNeverWritesState()
    {
        var (store, probe) = StaleScenario("87dc548e");
        var reconciler = Create(store, probe);

        var dry = await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true });
        var dryAgain = await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true });

        dry.Drifts.Should().ContainSingle();
        dryAgain.Drifts.Should().ContainSingle("a dry run does not remember what it reported");
        File.Exists(DefaultStatePath()).Should().BeFalse();
    }

    [Fact]
    public void PathFor_DefaultOverrideAndUnsafeName()
    {
        FileDriftStateStore.PathFor("/w", null, "lab").Should().Be("/w/.cache/tmux-agent-orchestrate-monitor/lab.state");
        FileDriftStateStore.PathFor("/w", "/s", "lab").Should().Be("/s/lab.state");
        FileDriftStateStore.PathFor("/w", null, "team/lab").Should().Be("/w/.cache/tmux-agent-orchestrate-monitor/team_lab.state");
    }

    [Fact]
    public async Task ReconcileAsync_VersionOneStateFile_ReadAsReportedWithoutMessage()
    {
        var (store, probe) = StaleScenario("87dc548e");
        var reconciler = Create(store, probe);
        var first = await reconciler.ReconcileAsync(new ReconcileRequest());
        var hash = FileDriftStateStore.Parse(await File.ReadAllTextAsync(DefaultStatePath())).Reported.Single().Value.Hash;
        var v1 = "{\"version\":1,\"reported\":{\"D:" + Landing + ":agent_identities.claude.session_id\":\"" + hash + "\"},\"endStateAliveFirstSeen\":{}}";
        await File.WriteAllTextAsync(DefaultStatePath(), v1);

        var second = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        first.Drifts.Should().ContainSingle();
        second.Drifts.Should().BeEmpty("a state written before the upgrade still silences its repeats");
        second.StateProblem.Should().BeNull();
    }

    [Fact]
    public void DriftKey_TextForm_RoundTrips()
    {
        foreach (var key in new[] { new DriftKey(DriftClass.TmuxGone, "lab-a:x"), new DriftKey(DriftClass.StaleId, "lab:b", "agent_identities.claude.session_id") })
        {
            DriftKey.Parse(key.ToString()).Should().Be(key);
        }

        new DriftKey(DriftClass.IdMaterialized, "s", "claude_session_id_own").ToString().Should().Be("C:s:claude_session_id_own");
        DriftKey.Parse("weird").Should().BeNull();
    }

    private (FakeRegistryStore Store, FakeSessionProbe Probe) StaleScenario(string id)
    {
        var row = Some.Row(Landing);
        row.AgentIdentities["claude"] = new Dictionary<string, string?> { ["session_id"] = id };
        var store = new FakeRegistryStore(Some.Registry(row), _root);
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, row.Cwd, 201132, "claude");
        return (store, probe);
    }

    private string DefaultStatePath() => Path.Combine(_root, ".cache", "tmux-agent-orchestrate-monitor", "lab.state");

    private DefaultReconciler Create(FakeRegistryStore store, FakeSessionProbe probe) =>
        new(store, probe, new ReconcilerOptions(), _time);
}
