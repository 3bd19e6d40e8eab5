using AgentSessions.Reconcile.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>The README's "Testing your own host offline" example, kept compiling and true.</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "asr-readme-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    [Fact]
    public async Task ReadmeExample_UnregisteredSessionAndStopComment_BehaveAsDocumented()
    {
        // --- as in the README ---
        var store = new FakeRegistryStore();
        var probe = new FakeSessionProbe()
            .AddTmuxSession("lab-api-creator-claude", cwd: "/home/u/lab/api", pid: 4242, command: "claude");
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions { WorkspaceName = "lab", StateDirectory = _stateDir });

        var report = await reconciler.ReconcileAsync(new ReconcileRequest());

        var card = new FakeKanbanGateway();
        card.AddUserComment("alice", "stop");
        // --- end ---

        report.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.Unregistered);
        var row = store.Current.Find("lab-api-creator-claude")!;
        row.Status.Should().Be(SessionStatus.Running);
        row.Agent.Should().Be("claude");
        row.Project.Should().Be("api");
        row.LastVisibleNote.Should().Be("auto-registered");

        var page = await card.ReadCommentsAsync(null);
        page.Comments.Should().ContainSingle(c => c.Author == "alice" && c.Body == "stop" && !c.IsFromSelf);
    }
}
