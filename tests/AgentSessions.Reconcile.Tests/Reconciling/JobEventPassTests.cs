using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

public sealed class JobEventPassTests : IDisposable
{
    private const string Landing = "lab-landing-page-creator-claude";
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "asr-jobevents-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(Some.Now);

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    [Fact]
    public async Task RecordAsync_TerminalEventLastRunningJob_TerminatesRowWithJobMode()
    {
        var store = new FakeRegistryStore(Some.Registry(WithJobs(Some.Row(Landing), ("j-1", JobStatus.Running))));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");

        var report = await PassAsync(store, probe, new ReconcileJobEvent("j-1", "someone-else", "completed", 7));

        var row = store.Current.Find(Landing)!;
        row.Jobs.Single().Status.Should().Be(JobStatus.Completed);
        row.Status.Should().Be(SessionStatus.Terminated);
        row.TerminationMode.Should().Be("job-completed");
        row.TerminatedAt.Should().Be(Some.Now);
        var e = report.Events.Should().ContainSingle().Subject;
        (e.JobId, e.Session, e.Type, e.Sequence).Should().Be(("j-1", Landing, "completed", 7L));
        store.WriteCount.Should().Be(1);
    }

    [Fact]
    public async Task RecordAsync_TerminalEvent_RecordsLastSeqInTheSameWriteAndSaysApplied()
    {
        var store = new FakeRegistryStore(Some.Registry(WithJobs(Some.Row(Landing), ("j-1", JobStatus.Running))));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");

        var report = await PassAsync(store, probe, new ReconcileJobEvent("j-1", Landing, "completed", 7));

        store.Current.Find(Landing)!.Jobs.Single().LastSeq.Should().Be(7);
        store.WriteCount.Should().Be(1);
        report.Events.Should().ContainSingle().Which.Applied.Should().BeTrue();
    }

    [Fact]
    public async Task RecordAsync_TerminalEventForAJobAlreadyEnded_ChangesNothing()
    {
        // The job completed earlier; a person resumed the session and set the row back to running: they win.
        var row = Some.Row(Landing);
        row.Jobs.Add(new JobEntry("j-1") { AuthToken = "t", Status = JobStatus.Completed, LastSeq = 7 });
        var store = new FakeRegistryStore(Some.Registry(row));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");
        var before = RegistryCloner.Clone(store.Current);

        var report = await PassAsync(store, probe, new ReconcileJobEvent("j-1", Landing, "error", 8));

        RegistryCloner.ToCanonicalText(store.Current).Should().Be(RegistryCloner.ToCanonicalText(before));
        store.WriteCount.Should().Be(0);
        report.Events.Should().ContainSingle().Which.Applied.Should().BeFalse();
    }

    [Fact]
    public async Task RecordAsync_TerminalEventNotAfterTheJobsLastSeq_ChangesNothing()
    {
        // The job was set back to running after seq 7 was applied; seq 7 arriving again (another monitor's stale view) does nothing.
        var row = Some.Row(Landing);
        row.Jobs.Add(new JobEntry("j-1") { AuthToken = "t", Status = JobStatus.Running, LastSeq = 7 });
        var store = new FakeRegistryStore(Some.Registry(row));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");

        var report = await PassAsync(store, probe, new ReconcileJobEvent("j-1", Landing, "completed", 7));

        var after = store.Current.Find(Landing)!;
        after.Status.Should().Be(SessionStatus.Running);
        after.Jobs.Single().Status.Should().Be(JobStatus.Running);
        store.WriteCount.Should().Be(0);
        report.Events.Should().ContainSingle().Which.Applied.Should().BeFalse();
    }

    [Fact]
    public async Task RecordAsync_TerminalEventWithAnotherJobRunning_SetsJobStatusOnly()
    {
        var store = new FakeRegistryStore(Some.Registry(WithJobs(Some.Row(Landing), ("j-1", JobStatus.Running), ("j-2", JobStatus.Running))));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");

        await PassAsync(store, probe, new ReconcileJobEvent("j-1", Landing, "error", 3));

        var row = store.Current.Find(Landing)!;
        row.Jobs[0].Status.Should().Be(JobStatus.Error);
        row.Jobs[1].Status.Should().Be(JobStatus.Running);
        row.Status.Should().Be(SessionStatus.Running);
    }

    [Fact]
    public async Task RecordAsync_JobRemovedUnderTheLock_WritesNothing()
    {
        var store = new FakeRegistryStore(Some.Registry(WithJobs(Some.Row(Landing), ("j-1", JobStatus.Running))));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");
        store.BeforeNextUpdate = registry => registry.Find(Landing)!.Jobs.Clear();

        var report = await PassAsync(store, probe, new ReconcileJobEvent("j-1", Landing, "cancelled", 1));

        store.Current.Find(Landing)!.Status.Should().Be(SessionStatus.Running);
        report.RegistryWritten.Should().BeFalse();
        store.WriteCount.Should().Be(0);
    }

    [Fact]
    public async Task RecordAsync_DryRunWithTerminalEvent_ReportsAndWritesNothing()
    {
        var store = new FakeRegistryStore(Some.Registry(WithJobs(Some.Row(Landing), ("j-1", JobStatus.Running))));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");
        var report = await PassAsync(store, probe, dryRun: true, new ReconcileJobEvent("j-1", Landing, "completed", 2), new ReconcileJobEvent("j-1", Landing, "progress", 1));

        report.Events.Select(e => e.Type).Should().Equal("completed", "progress");
        store.WriteCount.Should().Be(0);
        store.Current.Find(Landing)!.Jobs.Single().Status.Should().Be(JobStatus.Running);
    }

    [Fact]
    public async Task RecordAsync_ThenAFailingPass_LosesNothing()
    {
        // The fact is recorded before any pass; a pass that fails does not take the events with it.
        var store = new FakeRegistryStore(Some.Registry(WithJobs(Some.Row(Landing), ("j-1", JobStatus.Running))));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");
        var loop = new ReconcileLoop(Create(store, probe), store, _time);

        var recorded = await loop.RecordAsync(new ReconcileJobEvent("j-1", Landing, "completed", 7));
        store.FailNextLoad(new RegistryException("the registry is invalid"));
        var failing = () => loop.ReconcileAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Event });
        await failing.Should().ThrowAsync<RegistryException>();
        var report = await loop.ReconcileAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Timer });

        recorded.Applied.Should().BeTrue();
        store.Current.Find(Landing)!.TerminationMode.Should().Be("job-completed");
        report.Events.Should().ContainSingle().Which.Should().BeEquivalentTo(new { JobId = "j-1", Sequence = 7L, Applied = true });
    }

    [Fact]
    public async Task RecordAsync_StoreCannotBeWritten_TheNextPassRecordsItFirst()
    {
        var store = new FakeRegistryStore(Some.Registry(WithJobs(Some.Row(Landing), ("j-1", JobStatus.Running))));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");
        var loop = new ReconcileLoop(Create(store, probe), store, _time);
        store.FailNextUpdate(new RegistryException("the lock was not had in time"));

        var recorded = await loop.RecordAsync(new ReconcileJobEvent("j-1", Landing, "error", 3));
        var report = await loop.ReconcileAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Event });

        recorded.Applied.Should().BeFalse("not recorded yet");
        store.Current.Find(Landing)!.Jobs.Single().Status.Should().Be(JobStatus.Error);
        report.Events.Should().ContainSingle().Which.Applied.Should().BeTrue();
    }

    [Fact]
    public void ReconcileJobEvent_UnknownType_Throws()
    {
        var act = () => new ReconcileJobEvent("j-1", Landing, "finished", 1);

        act.Should().Throw<ArgumentException>().WithMessage("*finished*");
    }

    private Task<DriftReport> PassAsync(FakeRegistryStore store, FakeSessionProbe probe, params ReconcileJobEvent[] events) =>
        PassAsync(store, probe, dryRun: false, events);

    /// <summary>A trigger's path: each event recorded through the loop (the fact first), then one pass.</summary>
    private async Task<DriftReport> PassAsync(FakeRegistryStore store, FakeSessionProbe probe, bool dryRun, params ReconcileJobEvent[] events)
    {
        var loop = new ReconcileLoop(Create(store, probe), store, _time);
        foreach (var e in events)
        {
            await loop.RecordAsync(e, dryRun);
        }

        return await loop.ReconcileAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Event, DryRun = dryRun });
    }

    private static SessionRow WithJobs(SessionRow row, params (string Id, JobStatus Status)[] jobs)
    {
        foreach (var (id, status) in jobs)
        {
            row.Jobs.Add(new JobEntry(id) { AuthToken = "t-" + id, Status = status });
        }

        return row;
    }

    private DefaultReconciler Create(FakeRegistryStore store, FakeSessionProbe probe) =>
        new(store, probe, new ReconcilerOptions { StateDirectory = _stateDir }, _time);
}
