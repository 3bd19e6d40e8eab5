using RegistryModel = AgentSessions.Reconcile.Registry;
using System.Diagnostics.Metrics;
using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

public sealed class ReconcilerTests : IDisposable
{
    private const string Landing = "lab-landing-page-creator-claude";
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), "asr-reconciler-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(Some.Now);

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    [Fact]
    public async Task ReconcileAsync_RunningRowWithoutTmux_WritesTerminatedAndReportsSeedMessage()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)));
        var probe = new FakeSessionProbe().SetTmuxKnown();

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        var drift = report.Drifts.Should().ContainSingle().Subject;
        drift.Message.Should().Be("lab-landing-page-creator-claude: tmux gone (was pane 201132, cmd claude). Marked terminated.");
        drift.Applied.Should().BeTrue();
        drift.Field.Should().Be("status");
        drift.Before.Should().Be("running");
        drift.After.Should().Be("terminated");
        report.RegistryWritten.Should().BeTrue();
        report.RunningCount.Should().Be(0);
        report.SessionCount.Should().Be(1);
        report.Workspace.Should().Be("lab");
        report.At.Should().Be(Some.Now);
        store.Current.Find(Landing)!.Status.Should().Be(SessionStatus.Terminated);
        store.WriteCount.Should().Be(1);
        probe.CaptureCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_WriteCommittedWithAWarning_ReportedAsWrittenWithTheWarningInNotes()
    {
        var store = new WarningStore(new FakeRegistryStore(Some.Registry(Some.Row(Landing))), "the .bak could not be refreshed: disk full");
        var probe = new FakeSessionProbe().SetTmuxKnown();

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        report.RegistryWritten.Should().BeTrue();
        report.Drifts.Should().ContainSingle().Which.Applied.Should().BeTrue();
        report.Notes.Should().Contain("the .bak could not be refreshed: disk full");
    }

    /// <summary>A store whose writes commit but report a warning (a failed .bak or folder fsync after the rename).</summary>
    private sealed class WarningStore(FakeRegistryStore inner, string warning) : IRegistryStore
    {
        public string RegistryPath => inner.RegistryPath;

        public string WorkspaceRoot => inner.WorkspaceRoot;

        public Task<RegistryModel> LoadAsync(CancellationToken cancellationToken = default) => inner.LoadAsync(cancellationToken);

        public async Task<RegistryUpdateResult<TResult>> UpdateAsync<TResult>(Func<RegistryModel, TResult> apply, RegistryUpdateOptions? options = null, CancellationToken cancellationToken = default)
        {
            var r = await inner.UpdateAsync(apply, options, cancellationToken);
            return new RegistryUpdateResult<TResult>(r.Value, r.Changed, r.Written, r.Registry, r.NewText) { Warning = r.Written ? warning : null };
        }
    }

    [Fact]
    public async Task ReconcileAsync_PersonStopsBetweenProbeAndApply_RowStaysStopped()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)));
        var probe = new FakeSessionProbe().SetTmuxKnown();
        store.BeforeNextUpdate = registry =>
        {
            var row = registry.Find(Landing)!;
            row.Status = SessionStatus.Stopped;
            row.TerminationMode = "user";
            row.Resumable = true;
        };

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        var row = store.Current.Find(Landing)!;
        row.Status.Should().Be(SessionStatus.Stopped);
        row.TerminationMode.Should().Be("user");
        row.TerminatedAt.Should().BeNull();
        row.Resumable.Should().BeTrue();
        var drift = report.Drifts.Should().ContainSingle().Subject;
        drift.Applied.Should().BeFalse();
        drift.Message.Should().EndWith("Left as is: the row is now stopped.");
        store.WriteCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_RowRegisteredMeanwhile_IsNotDuplicated()
    {
        var store = new FakeRegistryStore(Some.Registry());
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root, 9, "claude");
        store.BeforeNextUpdate = registry => registry.Sessions.Add(new SessionRow(Landing) { Status = SessionStatus.Running, LastVisibleNote = "by the create skill" });

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        store.Current.Sessions.Should().ContainSingle().Which.LastVisibleNote.Should().Be("by the create skill");
        report.Drifts.Should().BeEmpty("a change found already made under the lock is not a new drift for this process");
        report.CoalescedCount.Should().Be(1);
    }

    [Fact]
    public async Task ReconcileAsync_IdFilledMeanwhile_IsNotOverwritten()
    {
        var cwd = Some.Root + "/landing-page";
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing, cwd: cwd)));
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Landing, cwd, 201132, "claude")
            .AddTranscript(cwd, "b3a7c2f", Some.T0.AddMinutes(1));
        store.BeforeNextUpdate = registry => registry.Find(Landing)!.ClaudeSessionIdOwn = "set-by-person";

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        store.Current.Find(Landing)!.ClaudeSessionIdOwn.Should().Be("set-by-person");
        report.Drifts.Should().ContainSingle().Which.Message.Should().Contain("Left as is: the id was set meanwhile to set-by-person");
    }

    [Fact]
    public async Task ReconcileAsync_DryRun_ChangesNothingAndWritesNoState()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)));
        var before = store.Current;
        var probe = new FakeSessionProbe().AddTmuxSession("lab-x-creator-agy", Some.Root, 1, "agy");

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest { DryRun = true });

        report.DryRun.Should().BeTrue();
        report.Drifts.Should().HaveCount(2).And.OnlyContain(d => !d.Applied);
        report.Drifts.Select(d => d.Message).Should().Contain(m => m.Contains("Would mark terminated (dry run)."));
        report.RegistryWritten.Should().BeFalse();
        report.SessionCount.Should().Be(2, "counts describe the registry as the pass would leave it");
        RegistryCloner.ContentEquals(store.Current, before).Should().BeTrue();
        store.UpdateCount.Should().Be(0);
        Directory.Exists(_stateDir).Should().BeFalse();
        probe.CaptureCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_TmuxUnknown_ReportsWhyAndTouchesNothing()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)));
        var probe = new FakeSessionProbe().AddTmuxSession("lab-x-creator-agy").SetTmuxUnknown("tmux: command not found");

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        report.TmuxKnown.Should().BeFalse();
        report.TmuxUnknownReason.Should().Be("tmux: command not found");
        report.Drifts.Should().BeEmpty();
        store.WriteCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_TmuxProbeThrows_TreatedAsUnknown()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)));
        var probe = new FakeSessionProbe { OnObserve = _ => throw new InvalidOperationException("boom") };

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        report.TmuxKnown.Should().BeFalse();
        report.TmuxUnknownReason.Should().Contain("boom");
        store.Current.Find(Landing)!.Status.Should().Be(SessionStatus.Running);
    }

    [Fact]
    public async Task ReconcileAsync_RegistryInvalid_ThrowsAndWritesNothing()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)));
        store.FailNextLoad(new RegistryException(RegistryErrorKind.Schema, store.RegistryPath, "sessions[0].status: 'dead' is not a status.", 3, 13, "sessions[0].status"));

        var act = () => Create(store, new FakeSessionProbe()).ReconcileAsync(new ReconcileRequest());

        (await act.Should().ThrowAsync<RegistryException>()).Which.Field.Should().Be("sessions[0].status");
        store.WriteCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_RunningRowVisiblyStopped_CapturesOnceAndRefreshesNote()
    {
        var row = Some.Row(Landing);
        row.LastVisibleStatus = SessionStatus.Stopped;
        var store = new FakeRegistryStore(Some.Registry(row));
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Landing, row.Cwd, 201132, "claude")
            .SetCapture(Landing, "Welcome\n\n  > implementing   the hero section  \n\n");
        var reconciler = Create(store, probe);

        await reconciler.ReconcileAsync(new ReconcileRequest());
        await reconciler.ReconcileAsync(new ReconcileRequest());

        probe.CapturedSessions.Should().Equal(Landing);
        var after = store.Current.Find(Landing)!;
        after.LastVisibleStatus.Should().Be(SessionStatus.Running);
        after.LastVisibleNote.Should().Be("visible: > implementing the hero section");
    }

    [Fact]
    public async Task ReconcileAsync_HealthyRows_NeverCapture()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing), Some.Row("lab-b-creator-claude", SessionStatus.Stopped)));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root, 201132, "claude");

        await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        probe.CaptureCount.Should().Be(0);
        store.WriteCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_OnePass_ObservesOnce()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing, cwd: "/w/a")));
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Landing, "/w/a", 1, "claude")
            .AddTmuxSession("lab-new-creator-claude", "/w/new", 3, "claude")
            .AddTranscript("/w/new", "id-new", Some.Now.AddMinutes(1));

        await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        probe.ObserveCount.Should().Be(1);
        store.Current.Find("lab-new-creator-claude")!.ClaudeSessionIdOwn.Should().Be("id-new");
    }

    [Fact]
    public async Task ReconcileAsync_EndStateAliveStoppedLongAgo_ReportedOnTheFirstPassThenCoalesced()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing, SessionStatus.Stopped)));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root, 1, "claude");
        var reconciler = Create(store, probe);

        var dryRun = await reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true });
        var first = await reconciler.ReconcileAsync(new ReconcileRequest());
        var second = await reconciler.ReconcileAsync(new ReconcileRequest());

        dryRun.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.EndStateAlive);
        first.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.EndStateAlive);
        second.Drifts.Should().BeEmpty();
        second.CoalescedCount.Should().Be(1);
        store.Current.Find(Landing)!.Status.Should().Be(SessionStatus.Stopped);
        store.WriteCount.Should().Be(0);
    }

    [Fact]
    public async Task ReconcileAsync_EndStateWithoutTimestamps_ReportedAfterGraceFromFirstSeen()
    {
        var row = Some.Row(Landing, SessionStatus.Stopped);
        (row.CreatedAt, row.UpdatedAt) = (null, null);
        var store = new FakeRegistryStore(Some.Registry(row));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root, 1, "claude");
        var reconciler = Create(store, probe);

        var first = await reconciler.ReconcileAsync(new ReconcileRequest());
        _time.Advance(TimeSpan.FromSeconds(6));
        var second = await reconciler.ReconcileAsync(new ReconcileRequest());

        first.Drifts.Should().BeEmpty();
        second.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.EndStateAlive);
    }

    [Fact]
    public async Task ReconcileAsync_ClaudeFolderUnknownOrWrongSocket_ReportSaysWhyAndNamesTheSocket()
    {
        var row = Some.Row(Landing, pid: 77);
        row.ClaudeSessionIdOwn = "id-a";
        var store = new FakeRegistryStore(Some.Registry(row));
        var probe = new FakeSessionProbe().SetNoServer(77).SetClaudeUnknown("Claude's config folder /x/.claude does not exist");

        var report = await Create(store, probe).ReconcileAsync(new ReconcileRequest());

        report.Drifts.Should().BeEmpty();
        report.Notes.Should().HaveCount(2);
        report.Notes.Should().Contain(n => n.Contains("wrong socket?", StringComparison.Ordinal));
        report.Notes.Should().Contain(n => n.Contains("/x/.claude does not exist", StringComparison.Ordinal));
        store.Current.Find(Landing)!.Status.Should().Be(SessionStatus.Running);
    }

    [Fact]
    public async Task ReconcileAsync_ConcurrentCalls_RunOnePassAtATime()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)));
        var inside = 0;
        var maxInside = 0;
        var probe = new FakeSessionProbe().SetTmuxKnown();
        probe.OnObserve = _ =>
        {
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref maxInside, now);
            Thread.SpinWait(20_000);
            Interlocked.Decrement(ref inside);
        };
        var reconciler = Create(store, probe);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => reconciler.ReconcileAsync(new ReconcileRequest()))));

        maxInside.Should().Be(1);
        probe.ObserveCount.Should().Be(8);
    }

    [Fact]
    public async Task ReconcileAsync_Pass_RecordsMetrics()
    {
        var store = new FakeRegistryStore(Some.Registry(Some.Row(Landing)));
        var probe = new FakeSessionProbe().SetTmuxKnown();
        var reconciler = Create(store, probe);
        var measurements = new List<(string Name, object? Tag)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "AgentSessions.Reconcile")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key is "class" or "trigger")
                {
                    lock (measurements)
                    {
                        measurements.Add((instrument.Name, tag.Value));
                    }
                }
            }
        });
        listener.Start();

        await reconciler.ReconcileAsync(new ReconcileRequest { Trigger = ReconcileTrigger.Timer });

        lock (measurements)
        {
            measurements.Should().Contain(("agent_sessions.reconcile.drifts", "A"));
            measurements.Should().Contain(("agent_sessions.reconcile.passes", "timer"));
        }
    }

    [Fact]
    public void Create_InvalidOptions_ThrowsNamingTheProblem()
    {
        var act = () => Reconciler.Create(new FakeRegistryStore(), new FakeSessionProbe(), new ReconcilerOptions { EndStateGrace = TimeSpan.FromSeconds(-1) });

        act.Should().Throw<ArgumentException>().WithMessage("*EndStateGrace must not be negative*");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [Theory]
    [InlineData(4, null, 30)]
    [InlineData(5, null, 60)]
    [InlineData(9, 7, 7)]
    [InlineData(0, 90, 90)]
    public async Task ReconcileAsync_RunningRowsAndPollInterval_ReportSaysWhenNextPassIsDue(int running, int? fixedSeconds, int expectedSeconds)
    {
        var rows = Enumerable.Range(0, running).Select(i => Some.Row($"lab-p{i}-creator-claude", cwd: $"{Some.Root}/p{i}", pid: 100 + i)).ToArray();
        var probe = new FakeSessionProbe().SetTmuxKnown();
        for (var i = 0; i < running; i++)
        {
            probe.AddTmuxSession($"lab-p{i}-creator-claude", $"{Some.Root}/p{i}", 100 + i, "claude");
        }

        var options = new ReconcilerOptions { StateDirectory = _stateDir, PollInterval = fixedSeconds is { } f ? TimeSpan.FromSeconds(f) : null };
        var report = await new DefaultReconciler(new FakeRegistryStore(Some.Registry(rows)), probe, options, _time).ReconcileAsync(new ReconcileRequest());

        report.RunningCount.Should().Be(running);
        report.RequeueAfter.Should().Be(TimeSpan.FromSeconds(expectedSeconds));
    }

    private DefaultReconciler Create(IRegistryStore store, FakeSessionProbe probe) =>
        new(store, probe, new ReconcilerOptions { StateDirectory = _stateDir }, _time);
}
