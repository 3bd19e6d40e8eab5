using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;
using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Reconciling.Rules;
using AgentSessions.Reconcile.Testing;
using AgentSessions.Reconcile.Tests.Probing;
using AgentSessions.Reconcile.Tests.Reconciling;
using AgentSessions.Reconcile.Tests.Registry;

namespace AgentSessions.Reconcile.Tests.Recipes;

/// <summary>
/// The two recipes of docs/architecture.md work: a drift rule (<see cref="StuckRule"/>) and a
/// live-state source (<see cref="StuckMarkerSource"/>) written in their own files only, registered
/// by passing them where <see cref="DriftRules.Default"/> and <see cref="SessionProbe.Sources"/> are used.
/// </summary>
public sealed class RecipeTests
{
    private const string Name = "lab-landing-creator-claude";

    private static readonly IReadOnlyList<DriftRule> Rules = [.. DriftRules.Default, new StuckRule()];

    [Fact]
    public async Task NewRuleAndSource_RealTmuxAndFiles_ReportedOnceThenCoalescedThenResolved()
    {
        using var workspace = new TempWorkspace();
        using var temp = new TempFolder();
        using var tmux = new TmuxTestServer();
        var cwd = temp.CreateDirectory("landing");
        File.WriteAllText(Path.Combine(cwd, ".stuck"), "waiting for a person\n");
        tmux.NewSession(Name, cwd);
        var store = workspace.Store();
        await store.UpdateAsync(r =>
        {
            r.Workspace = "lab";
            r.Sessions.Add(new SessionRow(Name) { Agent = "claude", Cwd = cwd, Status = SessionStatus.Running, LastVisibleStatus = SessionStatus.Running });
            return 0;
        });
        var settings = ProbeSettings.From(new SessionProbeOptions { TmuxSocketName = tmux.SocketName, HomeDirectory = temp.CreateDirectory("home") }, new FileSystem());
        var tmuxProbe = new TmuxSessionProbe(settings, new ProcessRunner());
        var probe = new CompositeSessionProbe(
            tmuxProbe,
            [.. SessionProbe.Sources(settings, tmuxProbe, TimeProvider.System), new StuckMarkerSource(settings.FileSystem)],
            Rules);
        using var reconciler = new DefaultReconciler(store, probe, new ReconcilerOptions { StateDirectory = temp.CreateDirectory("state") }, rules: Rules);

        var first = await reconciler.ReconcileAsync(new ReconcileRequest());
        var second = await reconciler.ReconcileAsync(new ReconcileRequest());
        File.Delete(Path.Combine(cwd, ".stuck"));
        var third = await reconciler.ReconcileAsync(new ReconcileRequest());
        File.WriteAllText(Path.Combine(cwd, ".stuck"), "again\n");
        var fourth = await reconciler.ReconcileAsync(new ReconcileRequest());

        var stuck = first.Drifts.Should().ContainSingle(d => d.Class == StuckRule.Stuck).Subject;
        stuck.Key.ToString().Should().Be("Z:" + Name);
        stuck.Message.Should().Be($"{Name}: {cwd} holds a .stuck marker. Left to a person.");
        stuck.Applied.Should().BeFalse();
        first.TmuxKnown.Should().BeTrue();
        first.Drifts.Should().OnlyContain(d => d.Class == StuckRule.Stuck, "the row is alive and registered: no other drift");
        second.Drifts.Should().BeEmpty("a report-only drift seen again is coalesced, through the state file");
        second.CoalescedCount.Should().Be(1);
        third.Drifts.Should().BeEmpty();
        fourth.Drifts.Should().ContainSingle(d => d.Class == StuckRule.Stuck, "once resolved, it is new again");
    }

    [Fact]
    public void NewRule_FakeProbeScriptsTheNewSource_DiffReportsIt()
    {
        var registry = Some.Registry(Some.Row(Name, cwd: "/w/landing"), Some.Row("lab-other-creator-claude", cwd: "/w/other"));
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Name, "/w/landing", 201132, "claude")
            .AddTmuxSession("lab-other-creator-claude", "/w/other", 201132, "claude")
            .SetObservation(StuckMarkerSource.Markers, new HashSet<string>(StringComparer.Ordinal) { "/w/landing" });
        var live = Some.Observe(registry, probe);

        var withRule = DriftDiff.Compute(registry, live, Some.Now, Some.Options(), new Dictionary<string, DateTimeOffset>(), Rules);
        var without = DriftDiff.Compute(registry, live, Some.Now, Some.Options(), new Dictionary<string, DateTimeOffset>());

        withRule.Drifts.Should().ContainSingle(d => d.Class == StuckRule.Stuck).Which.Session.Should().Be(Name);
        without.Drifts.Should().NotContain(d => d.Class == StuckRule.Stuck);
    }

    [Fact]
    public void NewSource_AsksOnlyWhatItsRuleNeeds()
    {
        var registry = Some.Registry(Some.Row(Name, cwd: "/w/landing"), Some.Row("lab-old-creator-claude", SessionStatus.Stopped, cwd: "/w/old"));

        var needs = ObservationNeeds.For(registry, TmuxState.Known([]), "lab", Rules);
        var withoutRule = ObservationNeeds.For(registry, TmuxState.Known([]), "lab", DriftRules.Default);

        needs.Request(StuckMarkerSource.Markers).Cwds.Should().Equal("/w/landing");
        withoutRule.Wants(StuckMarkerSource.Markers).Should().BeFalse();
    }

    [Fact]
    public void NewSource_Unobserved_ReadsAsItsUnknownForm()
    {
        var live = new LiveState(TmuxState.Known([]));

        live.Get(StuckMarkerSource.Markers).Should().BeEmpty();
        live.Get(LiveKeys.Claude).IsKnown.Should().BeFalse("a source that did not look cannot say a transcript is gone");
    }
}
