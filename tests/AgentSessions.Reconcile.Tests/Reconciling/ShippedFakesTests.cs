using AgentSessions.Reconcile.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>The Testing package's fakes stay offline: nothing real is read, nothing is written outside a temp folder.</summary>
public sealed class ShippedFakesTests
{
    [Fact]
    public void FakeRegistryStore_DefaultRoot_IsAFreshFolderUnderTheTempFolder()
    {
        var a = new FakeRegistryStore();
        var b = new FakeRegistryStore();

        a.WorkspaceRoot.Should().StartWith(Path.GetTempPath());
        a.WorkspaceRoot.Should().NotBe(b.WorkspaceRoot);
        Directory.Exists(a.WorkspaceRoot).Should().BeFalse("the store itself writes nothing");
    }

    [Fact]
    public async Task Reconcile_WithShippedFakesOnly_WritesOnlyUnderTheTempFolder()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row("lab-landing-page-creator-claude")));
        var probe = new FakeSessionProbe().SetTmuxKnown();
        try
        {
            var report = await Reconciler.Create(store, probe, new ReconcilerOptions()).ReconcileAsync(new ReconcileRequest());

            report.Drifts.Should().ContainSingle();
            if (Directory.Exists(store.WorkspaceRoot))
            {
                Directory.EnumerateFiles(store.WorkspaceRoot, "*", SearchOption.AllDirectories).Should().OnlyContain(f => f.StartsWith(Path.GetTempPath(), StringComparison.Ordinal));
            }
        }
        finally
        {
            if (Directory.Exists(store.WorkspaceRoot))
            {
                Directory.Delete(store.WorkspaceRoot, recursive: true);
            }
        }
    }

    [Fact]
    public async Task FakeSessionProbe_Unscripted_ObservesAnEmptyKnownMachine()
    {
        var registry = Some.Registry(Some.Row("lab-landing-page-creator-claude"));
        registry.Sessions[0].ClaudeSessionIdOwn = "id";

        var live = await new FakeSessionProbe().ObserveAsync(registry, "lab");

        live.Tmux.IsKnown.Should().BeTrue();
        live.Tmux.Sessions.Should().BeEmpty();
        live.Get(LiveKeys.Claude).Presence("id").Should().Be(ArtifactPresence.Missing);
        live.Get(LiveKeys.Agy).IsKnown.Should().BeTrue();
    }

    [Fact]
    public async Task FakeSessionProbe_SetObservation_ScriptsAnySourceAndResets()
    {
        var registry = Some.Registry();
        var probe = new FakeSessionProbe().SetObservation(LiveKeys.OtherSocketsPresent, new HashSet<string>(StringComparer.Ordinal) { "/tmp/tmux-1000/other" });

        var scripted = await probe.ObserveAsync(registry, "lab");
        probe.SetObservation(LiveKeys.OtherSocketsPresent, null);
        var reset = await probe.ObserveAsync(registry, "lab");

        scripted.Get(LiveKeys.OtherSocketsPresent).Should().Equal("/tmp/tmux-1000/other");
        reset.Get(LiveKeys.OtherSocketsPresent).Should().BeEmpty();
    }
}
