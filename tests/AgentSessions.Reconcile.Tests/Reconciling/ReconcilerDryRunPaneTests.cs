using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>
/// Issue 17: a dry run does not record where running rows were seen (nothing of it is written or
/// reported), so it does not read their panes' foreground processes from /proc.
/// </summary>
public sealed class ReconcilerDryRunPaneTests : IDisposable
{
    private const string Landing = "lab-landing-page-creator-claude";
    private const string Socket = "/tmp/tmux-1000/default";
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "asr-drypane-" + Guid.NewGuid().ToString("N"));
    private int _foregroundReads;

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    [Fact]
    public async Task ReconcileAsync_DryRun_ReadsNoPaneForegroundAndReportsWhatAWritePassDoes()
    {
        var row = Some.Row(Landing);
        row.Pane = null; // no pane: block: a write pass records the pane's command and folder
        var store = new FakeRegistryStore(Some.Registry(row, Some.Row("lab-gone-creator-claude")));
        var before = store.Current;

        var dry = await Create(store).ReconcileAsync(new ReconcileRequest { DryRun = true });

        _foregroundReads.Should().Be(0);
        RegistryCloner.ContentEquals(store.Current, before).Should().BeTrue();

        var write = await Create(store).ReconcileAsync(new ReconcileRequest());

        _foregroundReads.Should().Be(1, "the write pass records the pane, so the setup does reach the pane record");
        store.Current.Find(Landing)!.Pane.Should().BeEquivalentTo(new PaneInfo { Pid = 201132, Cmd = "claude", Cwd = Some.Root, Socket = Socket, Id = "%3" });
        dry.Drifts.Select(d => (d.Session, d.Field, d.Before, d.After)).Should().Equal(write.Drifts.Select(d => (d.Session, d.Field, d.Before, d.After)));
        (dry.SessionCount, dry.RunningCount, dry.TmuxKnown, dry.TmuxSocket).Should().Be((write.SessionCount, write.RunningCount, write.TmuxKnown, write.TmuxSocket));
        dry.Notes.Should().Equal(write.Notes);
    }

    private DefaultReconciler Create(IRegistryStore store) =>
        new(store, new OnSocketProbe(Pane()), new ReconcilerOptions { StateDirectory = _stateDir }, new FakeTimeProvider(Some.Now));

    private TmuxSession Pane() => new(
        Landing,
        Some.T0,
        [new TmuxPane(0, 0, 201132, () => { Interlocked.Increment(ref _foregroundReads); return ("claude", Some.Root); }, null, isActive: true, isDead: false) { Id = "%3" }]);

    /// <summary>One live session on a named server (the shipped fake names no socket, and a pane is recorded only with one).</summary>
    private sealed class OnSocketProbe(TmuxSession session) : ISessionProbe
    {
        public Task<LiveState> ObserveAsync(AgentSessions.Reconcile.Registry registry, string workspace, CancellationToken cancellationToken = default) =>
            Task.FromResult(new LiveState(TmuxState.Known([session], Socket))
                .With(LiveKeys.Claude, new AgentFiles([]))
                .With(LiveKeys.Agy, new AgentFiles([])));

        public Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken = default) =>
            Task.FromResult(new PaneCapture(false, null, "not in this test"));
    }
}
