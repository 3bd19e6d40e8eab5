using AgentSessions.Reconcile.Cli.Running;

namespace AgentSessions.Reconcile.Cli.Tests.Running;

public sealed class CoalescingStateReaderTests
{
    [Fact]
    public void LastBySession_OutstandingDrifts_ClassesAndNewestMessage()
    {
        var t = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        var state = new DriftState();
        state.Reported[new DriftKey(DriftClass.TmuxGone, "lab-a-creator-claude")] = new ReportedDrift("h1", "a gone", t);
        state.Reported[new DriftKey(DriftClass.StaleId, "lab-b-creator-claude", "agent_identities.claude.session_id")] = new ReportedDrift("h3", "b stale", t.AddMinutes(5));
        state.Reported[new DriftKey(DriftClass.IdMaterialized, "lab-b-creator-claude", "claude_session_id_own")] = new ReportedDrift("h2", "b id", t);
        state.Reported[new DriftKey(DriftClass.EndStateAlive, "lab-c-creator-agy")] = new ReportedDrift("h4", string.Empty, default);

        var result = CoalescingStateReader.LastBySession(state);

        result.Keys.Should().BeEquivalentTo("lab-a-creator-claude", "lab-b-creator-claude", "lab-c-creator-agy");
        result["lab-a-creator-claude"].Should().Be(new LastDrift("A", "a gone", t));
        result["lab-b-creator-claude"].Should().Be(new LastDrift("C,D", "b stale", t.AddMinutes(5)));
        result["lab-c-creator-agy"].Should().Be(new LastDrift("E", null, null), "a state written before messages were kept");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"version\":9,\"reported\":{}}")]
    public void Read_Unreadable_Empty(string text)
    {
        var root = Path.Combine(Path.GetTempPath(), "asr-reader-" + Guid.NewGuid().ToString("N"));
        var dir = Path.Combine(root, "state");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(Path.Combine(dir, "lab.state"), text);
            CoalescingStateReader.Read(root, dir, "lab").Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

public sealed class LastDriftTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "asr-lastdrift-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task ReadLastDrifts_AfterARealPass_MessageAndTime()
    {
        var at = new DateTimeOffset(2026, 11, 20, 10, 30, 0, TimeSpan.Zero);
        var registry = new Registry { Workspace = "lab" };
        registry.Sessions.Add(new SessionRow("lab-a-creator-claude") { Agent = "claude", Status = SessionStatus.Running, Pane = new PaneInfo { Pid = 7, Cmd = "claude" } });
        var store = new AgentSessions.Reconcile.Testing.FakeRegistryStore(registry, _root);
        var probe = new AgentSessions.Reconcile.Testing.FakeSessionProbe().SetTmuxKnown();
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(at));
        var report = await reconciler.ReconcileAsync(new ReconcileRequest());

        var last = new DefaultCliServicesFactory().ReadLastDrifts(new CliSettings(_root, null, null, null, null, null, null), "lab");

        var drift = last.Should().ContainKey("lab-a-creator-claude").WhoseValue;
        drift.Class.Should().Be("A");
        drift.Message.Should().Be(report.Drifts.Single().Message);
        drift.At.Should().Be(at);
    }
}
