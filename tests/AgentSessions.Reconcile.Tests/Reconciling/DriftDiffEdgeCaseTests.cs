using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>The cases users hit (issue #9): dotted names, unseen folders, grace windows, wrong sockets, other workspaces.</summary>
public sealed class DriftDiffEdgeCaseTests
{
    private const string Landing = "lab-landing-page-creator-claude";

    [Fact]
    public void Diff_DottedWorkspaceSessionAsTmuxStoresIt_IsDriftB()
    {
        var registry = new AgentSessions.Reconcile.Registry { Workspace = "my.app" };
        var probe = new FakeSessionProbe().AddTmuxSession("my_app-x-creator-claude", "/w/my.app/x", 7, "claude");

        var diff = DriftDiff.Compute(registry, Some.Observe(registry, probe, "my.app"), Some.Now, new DiffOptions("my.app", TimeSpan.FromSeconds(5)), new Dictionary<string, DateTimeOffset>());

        var drift = diff.Drifts.Should().ContainSingle().Subject;
        drift.Class.Should().Be(DriftClass.Unregistered);
        drift.Session.Should().Be("my_app-x-creator-claude");
        var row = ((RegisterMutation)drift.Mutation!).Template;
        row.Project.Should().Be("x");
        row.Agent.Should().Be("claude");
    }

    [Fact]
    public void Diff_DottedWorkspaceRowAsTyped_MatchesTmuxNameAndIsNotRegisteredAgain()
    {
        var registry = Some.Registry(Some.Row("my.app-x-creator-claude"));
        registry.Workspace = "my.app";
        var probe = new FakeSessionProbe().AddTmuxSession("my_app-x-creator-claude", "/w", 7, "claude");

        var diff = DriftDiff.Compute(registry, Some.Observe(registry, probe, "my.app"), Some.Now, new DiffOptions("my.app", TimeSpan.FromSeconds(5)), new Dictionary<string, DateTimeOffset>());

        diff.Drifts.Should().BeEmpty();
    }

    [Fact]
    public void Diff_ClaudeFolderUnknown_NoStaleIdAndOneNoteSaysWhy()
    {
        var a = Some.Row(Landing, SessionStatus.Stopped);
        a.ClaudeSessionIdOwn = "id-a";
        var b = Some.Row("lab-b-creator-claude", SessionStatus.Stopped);
        b.ClaudeSessionIdOwn = "id-b";
        b.AgentIdentities["claude"] = new Dictionary<string, string?> { ["session_id"] = "id-b2" };
        var probe = new FakeSessionProbe().SetTmuxKnown().SetClaudeUnknown("Claude's config folder /nohome/.claude does not exist (is HOME or CLAUDE_CONFIG_DIR right?)");

        var diff = Some.Diff(Some.Registry(a, b), probe);

        diff.Drifts.Should().BeEmpty();
        diff.Notes.Should().ContainSingle().Which.Should().Contain("/nohome/.claude does not exist");
        diff.UndecidedKeys.Should().Contain(new DriftKey(DriftClass.StaleId, Landing, AgentIds.Claude.OwnField));
    }

    [Fact]
    public void Diff_AgyConversationGone_MessageSaysConversationOnce()
    {
        var row = Some.Row("lab-pdf-creator-agy", SessionStatus.Stopped);
        row.AgySessionIdOwn = "5b0c7a9e";
        var diff = Some.Diff(Some.Registry(row), new FakeSessionProbe().SetTmuxKnown());

        var message = diff.Drifts.Should().ContainSingle().Subject.ToDrift(false, null).Message;
        message.Should().Be("lab-pdf-creator-agy: agy_session_id_own 5b0c7a9e: agy conversation file is gone. Kept in the registry.");
    }

    [Fact]
    public void Diff_RunningRowWrittenWithinGrace_NotTerminatedUntilTheNextPassAfterIt()
    {
        var row = Some.Row(Landing, created: Some.Now.AddSeconds(-2));
        var registry = Some.Registry(row);
        var probe = new FakeSessionProbe().SetTmuxKnown();

        var first = Some.Diff(registry, probe, Some.Now);
        var next = Some.Diff(registry, probe, Some.Now.AddSeconds(3));

        first.Drifts.Should().BeEmpty();
        first.UndecidedKeys.Should().Contain(new DriftKey(DriftClass.TmuxGone, Landing));
        next.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.TmuxGone);
    }

    [Fact]
    public void Diff_RowUpdatedWithinGrace_NotTerminated()
    {
        var row = Some.Row(Landing);
        row.UpdatedAt = Some.Now.AddSeconds(-1);

        Some.Diff(Some.Registry(row), new FakeSessionProbe().SetTmuxKnown()).Drifts.Should().BeEmpty();
    }

    [Theory]
    [InlineData(SessionStatus.Stopped)]
    [InlineData(SessionStatus.Terminated)]
    [InlineData(SessionStatus.Archived)]
    public void Diff_EndStateLongAgoTmuxAlive_ReportedOnTheFirstPass(SessionStatus status)
    {
        var registry = Some.Registry(Some.Row(Landing, status));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root, 201132, "claude");

        var diff = Some.Diff(registry, probe);

        diff.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.EndStateAlive);
    }

    [Fact]
    public void Diff_EndStateJustUpdated_GraceRunsFromUpdatedAtNotFromFirstSeen()
    {
        var row = Some.Row(Landing, SessionStatus.Stopped);
        row.UpdatedAt = Some.Now.AddSeconds(-3);
        var registry = Some.Registry(row);
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root, 201132, "claude");

        var within = Some.Diff(registry, probe, Some.Now);
        var after = Some.Diff(registry, probe, Some.Now.AddSeconds(2));

        within.Drifts.Should().BeEmpty();
        after.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.EndStateAlive);
    }

    [Fact]
    public void Diff_TerminatedJustNow_GraceRunsFromTerminatedAt()
    {
        var row = Some.Row(Landing, SessionStatus.Terminated);
        row.TerminatedAt = Some.Now.AddSeconds(-1);
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root, 201132, "claude");

        Some.Diff(Some.Registry(row), probe).Drifts.Should().BeEmpty();
    }

    [Fact]
    public void Diff_NoServerButRecordedPaneAlive_RowUnknownNotTerminatedNoteSaysWrongSocket()
    {
        var alive = Some.Row(Landing, pid: 4242);
        var dead = Some.Row("lab-b-creator-claude", pid: 4343);
        var probe = new FakeSessionProbe().SetNoServer(4242);

        var diff = Some.Diff(Some.Registry(alive, dead), probe);

        diff.Drifts.Should().ContainSingle().Which.Session.Should().Be("lab-b-creator-claude");
        diff.UndecidedKeys.Should().Contain(new DriftKey(DriftClass.TmuxGone, Landing));
        diff.Notes.Should().ContainSingle().Which.Should().Contain("wrong socket?");
    }

    [Fact]
    public void Diff_NoServerAndNoPaneAlive_AllRunningRowsTerminated()
    {
        var probe = new FakeSessionProbe().SetNoServer();

        var diff = Some.Diff(Some.Registry(Some.Row(Landing), Some.Row("lab-b-creator-claude", pid: 2)), probe);

        diff.Drifts.Should().HaveCount(2).And.OnlyContain(d => d.Class == DriftClass.TmuxGone);
        diff.Notes.Should().BeEmpty();
    }

    [Fact]
    public void Diff_SessionWorkingUnderAnotherRegistry_BelongsThereAndIsNotRegistered()
    {
        var registry = new AgentSessions.Reconcile.Registry { Workspace = "myproj" };
        var probe = new FakeSessionProbe()
            .AddTmuxSession("myproj-api-web-creator-claude", "/x/myproj-api/web", 7, "claude")
            .AddTmuxSession("myproj-web-creator-claude", "/x/myproj/web", 8, "claude")
            .SetRegistryRoot("/x/myproj-api/web", "/x/myproj-api")
            .SetRegistryRoot("/x/myproj/web", "/x/myproj/");

        var diff = DriftDiff.Compute(registry, Some.Observe(registry, probe, "myproj"), Some.Now, new DiffOptions("myproj", TimeSpan.FromSeconds(5), "/x/myproj"), new Dictionary<string, DateTimeOffset>());

        diff.Drifts.Should().ContainSingle().Which.Session.Should().Be("myproj-web-creator-claude");
    }
}
