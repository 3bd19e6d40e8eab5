using AgentSessions.Reconcile.Tests.Probing;
using AgentSessions.Reconcile.Tests.Registry;
using RegistryModel = AgentSessions.Reconcile.Registry;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>
/// A pass starts its one tmux call before it reads the registry, so the tmux process runs while
/// the file is read and parsed (issue #17, the cold pass). Real tmux on a private socket, real
/// store; tmux is run through a small script that leaves a mark when it starts and when it ends.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReconcilerTmuxOverlapTests : IDisposable
{
    private readonly TmuxTestServer _server = new();
    private readonly TempWorkspace _workspace = new();

    public void Dispose()
    {
        _server.Dispose();
        _workspace.Dispose();
    }

    [Fact]
    public async Task ReconcileAsync_TmuxRunsWhileTheRegistryIsRead_OneTmuxCall()
    {
        _server.NewSession("lab-a-creator-claude", _workspace.Root);
        _workspace.Write(RegistryText);
        var store = new WaitingStore(_workspace.Store(), StartedMark);
        var reconciler = Create(store);

        var report = await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true });

        store.SawTmuxRunning.Should().BeTrue("the tmux call starts before the registry is read (before: the load waited for it in vain)");
        report.TmuxKnown.Should().BeTrue(report.TmuxUnknownReason);
        report.Drifts.Should().BeEmpty("the registered session is alive");
        File.ReadAllLines(CallsLog).Should().ContainSingle().Which.Should().StartWith("-u -L " + _server.SocketName + " list-panes");
    }

    [Fact]
    public async Task ReconcileAsync_RegistryInvalid_ThrowsAfterTheTmuxCallEnded()
    {
        _workspace.Write("version: 1\nsessions: [\n");
        var reconciler = Create(_workspace.Store());

        var act = () => reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true });

        await act.Should().ThrowAsync<RegistryException>();
        File.Exists(EndedMark).Should().BeTrue("no tmux process outlives its pass");
    }

    private const string RegistryText = """
        version: 1
        workspace: lab
        sessions:
          - name: lab-a-creator-claude
            agent: claude
            status: running
            last_visible_status: running
            created_at: 2026-01-01T00:00:00Z
            updated_at: 2026-01-01T00:00:00Z

        """;

    private string StartedMark => Path.Combine(_workspace.Root, "tmux-started");

    private string EndedMark => Path.Combine(_workspace.Root, "tmux-ended");

    private string CallsLog => Path.Combine(_workspace.Root, "tmux-calls");

    private IReconciler Create(IRegistryStore store)
    {
        // A test double of the tmux executable: marks, then the real tmux with the same arguments.
        var script = Path.Combine(_workspace.Root, "tmux-marked");
        File.WriteAllText(script, $"""
            #!/bin/sh
            echo "$*" >> '{CallsLog}'
            : > '{StartedMark}'
            tmux "$@"
            code=$?
            : > '{EndedMark}'
            exit $code

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var probe = SessionProbe.Create(new SessionProbeOptions
        {
            TmuxSocketName = _server.SocketName,
            TmuxExecutable = script,
            HomeDirectory = _workspace.Root,
            ObserveAttention = false,
        });
        return Reconciler.Create(store, probe, new ReconcilerOptions { StateDirectory = Path.Combine(_workspace.Root, "state") });
    }

    /// <summary>The real store, whose read first waits (bounded) for the tmux call to have started.</summary>
    private sealed class WaitingStore(IRegistryStore inner, string startedMark) : IRegistryStore
    {
        public bool SawTmuxRunning { get; private set; }

        public string RegistryPath => inner.RegistryPath;

        public string WorkspaceRoot => inner.WorkspaceRoot;

        public async Task<RegistryModel> LoadAsync(CancellationToken cancellationToken = default)
        {
            SawTmuxRunning = await Poll.UntilAsync(() => File.Exists(startedMark), TimeSpan.FromSeconds(30));
            return await inner.LoadAsync(cancellationToken);
        }

        public Task<RegistryUpdateResult<TResult>> UpdateAsync<TResult>(Func<RegistryModel, TResult> apply, RegistryUpdateOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.UpdateAsync(apply, options, cancellationToken);
    }
}
