namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>Each kind of edit, spliced into the text where it can be, and the full save where it cannot.</summary>
public sealed class RegistryEditsTests : IDisposable
{
    private const string Head = "# notes\nsessions:\n";

    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Theory]
    [InlineData("  - name: a\n    status:\n    agent: x\n", "  - name: a\n    status: running\n    agent: x\n")]
    [InlineData("  - name: a\n    status:   # later\n    agent: x\n", "  - name: a\n    status: running   # later\n    agent: x\n")]
    [InlineData("  - name: a\n    status: 'stopped'  # was\n", "  - name: a\n    status: running  # was\n")]
    [InlineData("  - name: a\n    status: !!str stopped\n", "  - name: a\n    status: running\n")]
    public void SetStatus_IsSplicedAtTheValue(string rows, string expected) =>
        Spliced(rows, r => r.Sessions[0].Status = SessionStatus.Running).Should().Be(Head + expected);

    [Fact]
    public void SetNote_OverALiteralBlock_ReplacesTheBlockOnly() =>
        Spliced("  - name: a\n    last_visible_note: |\n      two\n      lines\n    # after\n    agent: x\n", r => r.Sessions[0].LastVisibleNote = "one")
            .Should().Be(Head + "  - name: a\n    last_visible_note: one\n    # after\n    agent: x\n");

    [Fact]
    public void SetNull_RemovesTheKeysLineOnly() =>
        Spliced("  - name: a\n    # the agent\n    agent: x   # why\n    cwd: /w\n", r => r.Sessions[0].Agent = null)
            .Should().Be(Head + "  - name: a\n    # the agent\n    cwd: /w\n");

    [Fact]
    public void NewPaneKey_InAFlowMapping_GoesBeforeTheBrace() =>
        Spliced("  - name: a\n    pane: { pid: 1 }   # live\n", r => r.Sessions[0].Pane!.Cmd = "claude")
            .Should().Be(Head + "  - name: a\n    pane: { pid: 1, cmd: claude }   # live\n");

    [Fact]
    public void NewKeys_GoAfterTheirPredecessorsInOrder() =>
        Spliced("  - name: a\n    status: running\n    x-owner: me\n", r =>
        {
            r.Sessions[0].TerminationMode = "auto-detected";
            r.Sessions[0].TerminatedAt = new DateTimeOffset(2026, 11, 29, 4, 0, 0, TimeSpan.Zero);
            r.Sessions[0].Agent = "claude";
        }).Should().Be(Head + "  - name: a\n    agent: claude\n    status: running\n    terminated_at: 2026-11-29T04:00:00Z\n    termination_mode: auto-detected\n    x-owner: me\n");

    [Fact]
    public void JobStatusAndNewJob_AreSpliced() =>
        Spliced("  - name: a\n    jobs:\n      - job_id: j1   # first\n        status: running\n  # next\n  - name: b\n", r =>
        {
            r.Sessions[0].Jobs[0].Status = JobStatus.Completed;
            r.Sessions[0].Jobs.Add(new JobEntry("j2") { Status = JobStatus.Running });
        }).Should().Be(Head + "  - name: a\n    jobs:\n      - job_id: j1   # first\n        status: completed\n      - job_id: j2\n        status: running\n  # next\n  - name: b\n");

    [Fact]
    public void JobLastSeq_IsReadAndSplicedAfterTheStatus() =>
        Spliced("  - name: a\n    jobs:\n      - job_id: j1\n        status: running   # live\n        last_seq: 3\n        x-keep: 1\n", r =>
        {
            r.Sessions[0].Jobs[0].LastSeq.Should().Be(3);
            r.Sessions[0].Jobs[0].Status = JobStatus.Completed;
            r.Sessions[0].Jobs[0].LastSeq = 7;
        }).Should().Be(Head + "  - name: a\n    jobs:\n      - job_id: j1\n        status: completed   # live\n        last_seq: 7\n        x-keep: 1\n");

    [Fact]
    public void NewJobLastSeq_GoesAfterTheStatus() =>
        Spliced("  - name: a\n    jobs:\n      - job_id: j1\n        status: running\n        x-keep: 1\n", r => r.Sessions[0].Jobs[0].LastSeq = 1)
            .Should().Be(Head + "  - name: a\n    jobs:\n      - job_id: j1\n        status: running\n        last_seq: 1\n        x-keep: 1\n");

    [Fact]
    public void ReplacedRowObjectWithOtherJobs_IsSplicedIntoThatRow() =>
        Spliced("  - name: a\n    x-keep: 1\n    jobs:\n      - job_id: j1\n        status: running\n", r =>
        {
            var row = new SessionRow("a");
            row.Jobs.Add(new JobEntry("j1") { Status = JobStatus.Error });
            r.Sessions[0] = row;
        }).Should().Be(Head + "  - name: a\n    x-keep: 1\n    jobs:\n      - job_id: j1\n        status: error\n");

    [Fact]
    public void RemoveEverySession_WritesAnEmptyList() =>
        Spliced("  - name: a\n  - name: b\n# end\n", r => r.Sessions.Clear()).Should().Be("# notes\nsessions: []\n# end\n");

    [Fact]
    public void RemoveMiddleJob_DeletesItsLines() =>
        Spliced("  - name: a\n    jobs:\n      - job_id: j1\n      - job_id: j2\n        status: running\n      - job_id: j3\n", r => r.Sessions[0].Jobs.RemoveAt(1))
            .Should().Be(Head + "  - name: a\n    jobs:\n      - job_id: j1\n      - job_id: j3\n");

    [Fact]
    public void Reorder_IsAFullSaveKeepingValuesAndUnknownKeys()
    {
        var written = Write("  - name: a\n    x: { k: 1 }   # gone\n  - name: b\n", r => (r.Sessions[0], r.Sessions[1]) = (r.Sessions[1], r.Sessions[0]), out var spliced);

        spliced.Should().BeFalse();
        written.Should().Be("sessions:\n  - name: b\n  - name: a\n    x:\n      k: 1\n");
    }

    [Fact]
    public void InsertNotAtTheEnd_IsAFullSave()
    {
        var written = Write("  - name: a\n  - name: c\n", r => r.Sessions.Insert(1, new SessionRow("b")), out var spliced);

        spliced.Should().BeFalse();
        TestYaml.Load(written).Registry.Sessions.Select(s => s.Name).Should().Equal("a", "b", "c");
    }

    [Fact]
    public async Task Anchors_FullSaveChangesOnlyTheEditedPlace()
    {
        ws.Write("defaults: &d { cmd: claude, cwd: /w }\nsessions:\n  - name: a\n    pane: *d\n  - name: b\n    pane: *d\n");

        var result = await ws.Store().UpdateAsync(r => r.Sessions[1].Pane!.Pid = 5);

        result.Written.Should().BeTrue();
        var reloaded = await ws.Store().LoadAsync();
        reloaded.Sessions.Select(s => (s.Pane!.Pid, s.Pane.Cmd, s.Pane.Cwd)).Should().Equal((null, "claude", "/w"), (5L, "claude", "/w"));
        ws.Read().Should().Contain("defaults:\n  cmd: claude\n  cwd: /w\n");
    }

    [Fact]
    public async Task Anchors_InvalidRowOnUpdate_ErrorNamesLineAndColumn()
    {
        ws.Write("defaults: &d { cmd: claude }\nsessions:\n  - name: a\n    pane: *d\n    status: runing\n");

        var ex = (await FluentActions.Awaiting(() => ws.Store().UpdateAsync(r => r.Sessions.Count)).Should().ThrowAsync<RegistryException>()).Which;

        (ex.Line, ex.Column, ex.Field).Should().Be((5, 13, "sessions[0].status"));
    }

    private static string Spliced(string rows, Action<Reconcile.Registry> change)
    {
        var written = Write(rows, change, out var spliced);
        spliced.Should().BeTrue(written);
        return written;
    }

    private static string Write(string rows, Action<Reconcile.Registry> change, out bool spliced) =>
        TestYaml.Write(TestYaml.Load(Head + rows), change, out spliced) ?? throw new InvalidOperationException("nothing changed");
}
