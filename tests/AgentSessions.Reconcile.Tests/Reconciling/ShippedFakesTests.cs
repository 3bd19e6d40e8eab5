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

    [Fact]
    public async Task FakeSessionProbe_RemoveAndUnknown_UndoWhatWasScripted()
    {
        var registry = Some.Registry(Some.Row("lab-landing-page-creator-claude"));
        var probe = new FakeSessionProbe()
            .AddTmuxSession("lab-landing-page-creator-claude")
            .AddTranscript("/w/lab", "id", DateTimeOffset.UnixEpoch)
            .AddAgyConversation("conv", DateTimeOffset.UnixEpoch)
            .SetCaptureFailure("lab-landing-page-creator-claude", "no such pane");

        var before = await probe.ObserveAsync(registry, "lab");
        probe.RemoveTmuxSession("lab-landing-page-creator-claude").RemoveTranscript("id").RemoveAgyConversation("conv");
        var removed = await probe.ObserveAsync(registry, "lab");
        probe.SetClaudeUnknown("no config folder").SetAgyUnknown("no agy folder");
        var unknown = await probe.ObserveAsync(registry, "lab");
        var capture = await probe.CapturePaneAsync("lab-landing-page-creator-claude", 10);

        before.Tmux.Find("lab-landing-page-creator-claude").Should().NotBeNull();
        before.Get(LiveKeys.Claude).Presence("id").Should().Be(ArtifactPresence.Present);
        before.Get(LiveKeys.Agy).Presence("conv").Should().Be(ArtifactPresence.Present);
        removed.Tmux.Find("lab-landing-page-creator-claude").Should().BeNull();
        removed.Get(LiveKeys.Claude).Presence("id").Should().Be(ArtifactPresence.Missing);
        removed.Get(LiveKeys.Agy).Presence("conv").Should().Be(ArtifactPresence.Missing);
        unknown.Get(LiveKeys.Claude).IsKnown.Should().BeFalse();
        unknown.Get(LiveKeys.Claude).Presence("id").Should().Be(ArtifactPresence.Unknown);
        unknown.Get(LiveKeys.Agy).IsKnown.Should().BeFalse();
        capture.Succeeded.Should().BeFalse();
        capture.FailureReason.Should().Be("no such pane");
    }
}
