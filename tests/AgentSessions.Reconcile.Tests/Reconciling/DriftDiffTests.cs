using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

public sealed class DriftDiffTests
{
    private const string Landing = "lab-landing-page-creator-claude";
    private const string Pdf = "lab-paper-pdf2md-creator-agy";

    [Fact]
    public void Diff_RunningRowWithoutTmux_MarksTerminated()
    {
        var registry = Some.Registry(Some.Row(Landing));
        var probe = new FakeSessionProbe().SetTmuxKnown();

        var diff = Some.Diff(registry, probe);

        var drift = diff.Drifts.Should().ContainSingle().Subject;
        drift.Class.Should().Be(DriftClass.TmuxGone);
        drift.Key.Should().Be(new DriftKey(DriftClass.TmuxGone, Landing));
        drift.ToDrift(dryRun: false, MutationOutcome.Done).Message
            .Should().Be("lab-landing-page-creator-claude: tmux gone (was pane 201132, cmd claude). Marked terminated.");
        var row = Some.ApplyTo(registry, diff).Find(Landing)!;
        row.Status.Should().Be(SessionStatus.Terminated);
        row.TerminatedAt.Should().Be(Some.Now);
        row.TerminationMode.Should().Be("auto-detected");
        registry.Find(Landing)!.Status.Should().Be(SessionStatus.Running, "the diff never changes its input");
    }

    [Fact]
    public void Diff_RunningRowWithLiveTmux_FindsNothing()
    {
        var registry = Some.Registry(Some.Row(Landing));
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root + "/landing-page", 201132, "claude");

        var diff = Some.Diff(registry, probe);

        diff.Drifts.Should().BeEmpty();
        diff.VisibleRefreshes.Should().BeEmpty();
    }

    [Fact]
    public void Diff_TmuxAliveWithoutRow_Registers()
    {
        var registry = Some.Registry();
        var created = Some.T0.AddMinutes(5);
        var probe = new FakeSessionProbe().AddTmuxSession(Pdf, Some.Root + "/paper-pdf2md", 4242, "agy", created);

        var diff = Some.Diff(registry, probe);

        var drift = diff.Drifts.Should().ContainSingle().Subject;
        drift.Class.Should().Be(DriftClass.Unregistered);
        drift.ToDrift(false, MutationOutcome.Done).Message
            .Should().Be("lab-paper-pdf2md-creator-agy: tmux found but not in YAML. Auto-registered.");
        var row = Some.ApplyTo(registry, diff).Find(Pdf)!;
        row.Status.Should().Be(SessionStatus.Running);
        row.LastVisibleStatus.Should().Be(SessionStatus.Running);
        row.LastVisibleNote.Should().Be("auto-registered");
        row.Agent.Should().Be("agy");
        row.Project.Should().Be("paper-pdf2md");
        row.Cwd.Should().Be(Some.Root + "/paper-pdf2md");
        row.Pane!.Pid.Should().Be(4242);
        row.Pane.Cmd.Should().Be("agy");
        row.CreatedAt.Should().Be(created);
        row.UpdatedAt.Should().Be(Some.Now);
    }

    [Fact]
    public void Diff_WorkspaceCreatorAgentWithoutProject_RegistersWithoutProject()
    {
        var probe = new FakeSessionProbe().AddTmuxSession("lab-creator-claude", Some.Root, 7, "claude");

        var row = Some.ApplyTo(Some.Registry(), Some.Diff(Some.Registry(), probe)).Find("lab-creator-claude")!;

        row.Project.Should().BeNull();
        row.Agent.Should().Be("claude");
    }

    [Theory]
    [InlineData("other-landing-creator-claude")]
    [InlineData("lab-scratch")]
    [InlineData("lab-creator-")]
    [InlineData("lab-x-creator-")]
    [InlineData("lab-x-creator-cla-ude")]
    [InlineData("labx-creator-claude")]
    [InlineData("creator-claude")]
    public void Diff_TmuxSessionNotNamedLikeAnAgent_IsIgnored(string name)
    {
        var probe = new FakeSessionProbe().AddTmuxSession(name, Some.Root, 7, "bash");

        Some.Diff(Some.Registry(), probe).Drifts.Should().BeEmpty();
    }

    [Fact]
    public void Diff_RowNamedWithDotWhileTmuxStoresUnderscore_IsNotTerminatedNorDuplicated()
    {
        var registry = Some.Registry(Some.Row("lab-v1.2-creator-claude"));
        var probe = new FakeSessionProbe().AddTmuxSession("lab-v1_2-creator-claude", Some.Root, 201132, "claude");

        Some.Diff(registry, probe).Drifts.Should().BeEmpty();
    }

    [Fact]
    public void Diff_NewTranscriptAfterCreation_FillsClaudeId()
    {
        var cwd = Some.Root + "/landing-page";
        var registry = Some.Registry(Some.Row(Landing, cwd: cwd));
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Landing, cwd, 201132, "claude")
            .AddTranscript(cwd, "old-before-creation", Some.T0.AddMinutes(-1))
            .AddTranscript(cwd, "b3a7c2f", Some.T0.AddMinutes(2));

        var diff = Some.Diff(registry, probe);

        var drift = diff.Drifts.Should().ContainSingle().Subject;
        drift.Class.Should().Be(DriftClass.IdMaterialized);
        drift.Field.Should().Be("claude_session_id_own");
        drift.After.Should().Be("b3a7c2f");
        drift.ToDrift(false, MutationOutcome.Done).Message.Should().Be("lab-landing-page-creator-claude: session id materialized b3a7c2f. Recorded.");
        Some.ApplyTo(registry, diff).Find(Landing)!.ClaudeSessionIdOwn.Should().Be("b3a7c2f");
    }

    [Fact]
    public void Diff_SeveralCandidates_TakesNewestNotUsedByAnotherRowWithMatchingRecordedCwd()
    {
        var cwd = Some.Root + "/landing-page";
        var other = Some.Row("lab-other-creator-claude", cwd: cwd);
        other.ClaudeSessionIdOwn = "taken-newest";
        var registry = Some.Registry(Some.Row(Landing, cwd: cwd), other);
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Landing, cwd, 201132, "claude")
            .AddTmuxSession(other.Name, cwd, 5, "claude")
            .AddTranscript(cwd, "taken-newest", Some.T0.AddMinutes(9))
            .AddTranscript("/home/u/lab/landing/page", "other-folder", Some.T0.AddMinutes(8))
            .AddTranscript(cwd, "newest-free", Some.T0.AddMinutes(7))
            .AddTranscript(cwd, "older-free", Some.T0.AddMinutes(3));
        probe.SetClaudeSessionPresence("taken-newest", ArtifactPresence.Present);

        var diff = Some.Diff(registry, probe);

        diff.Drifts.Should().ContainSingle().Which.After.Should().Be("newest-free");
    }

    [Fact]
    public void Diff_TwoRowsInOneFolder_NeverGetTheSameId()
    {
        var cwd = Some.Root + "/shared";
        var registry = Some.Registry(Some.Row("lab-a-creator-claude", cwd: cwd), Some.Row("lab-b-creator-claude", cwd: cwd));
        var probe = new FakeSessionProbe()
            .AddTmuxSession("lab-a-creator-claude", cwd, 1, "claude")
            .AddTmuxSession("lab-b-creator-claude", cwd, 2, "claude")
            .AddTranscript(cwd, "only-one", Some.T0.AddMinutes(1));

        var diff = Some.Diff(registry, probe);

        diff.Drifts.Should().ContainSingle().Which.Session.Should().Be("lab-a-creator-claude");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void Diff_RowWithoutCreatedAt_FillsOnlyWhenUnambiguous(int transcripts, bool fills)
    {
        var cwd = Some.Root + "/landing-page";
        var row = Some.Row(Landing, cwd: cwd);
        row.CreatedAt = null;
        var registry = Some.Registry(row);
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, cwd, 201132, "claude");
        for (var i = 0; i < transcripts; i++)
        {
            probe.AddTranscript(cwd, $"t{i}", Some.T0.AddMinutes(-10 + i));
        }

        Some.Diff(registry, probe).Drifts.Should().HaveCount(fills ? 1 : 0);
    }

    [Fact]
    public void Diff_AgyConversationInMapAfterCreation_FillsAgyId()
    {
        var cwd = Some.Root + "/paper-pdf2md";
        var registry = Some.Registry(Some.Row(Pdf, cwd: cwd, cmd: "agy"));
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Pdf, cwd, 201132, "agy")
            .SetAgyLastConversation(cwd + "/", "5b0c7a9e")
            .AddAgyConversation("5b0c7a9e", Some.T0.AddMinutes(3));

        var diff = Some.Diff(registry, probe);

        var drift = diff.Drifts.Should().ContainSingle().Subject;
        drift.Field.Should().Be("agy_session_id_own");
        Some.ApplyTo(registry, diff).Find(Pdf)!.AgySessionIdOwn.Should().Be("5b0c7a9e");
    }

    [Fact]
    public void Diff_AgyConversationOlderThanRow_IsNotTaken()
    {
        var cwd = Some.Root + "/paper-pdf2md";
        var registry = Some.Registry(Some.Row(Pdf, cwd: cwd, cmd: "agy"));
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Pdf, cwd, 201132, "agy")
            .SetAgyLastConversation(cwd, "old")
            .AddAgyConversation("old", Some.T0.AddMinutes(-3));

        Some.Diff(registry, probe).Drifts.Should().BeEmpty();
    }

    [Fact]
    public void Diff_StaleIdentity_ReportsWithoutChange()
    {
        var row = Some.Row(Landing);
        row.AgentIdentities["claude"] = new Dictionary<string, string?> { ["session_id"] = "87dc548e" };
        var registry = Some.Registry(row);
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, row.Cwd, 201132, "claude");

        var diff = Some.Diff(registry, probe);

        var drift = diff.Drifts.Should().ContainSingle().Subject;
        drift.Class.Should().Be(DriftClass.StaleId);
        drift.Mutation.Should().BeNull();
        drift.Field.Should().Be("agent_identities.claude.session_id");
        drift.Before.Should().Be("87dc548e");
        drift.Key.Should().Be(new DriftKey(DriftClass.StaleId, Landing, "agent_identities.claude.session_id"));
        RegistryCloner.ContentEquals(Some.ApplyTo(registry, diff), registry).Should().BeTrue();
    }

    [Fact]
    public void Diff_IdWithUnknownPresence_IsNeverStale()
    {
        var row = Some.Row(Landing);
        row.ClaudeSessionIdOwn = "87dc548e";
        row.AgySessionIdOwn = "5b0c7a9e";
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Landing, row.Cwd, 201132, "claude")
            .SetClaudeSessionPresence("87dc548e", ArtifactPresence.Unknown)
            .AddAgyConversation("5b0c7a9e", null, ArtifactPresence.Unknown);

        var diff = Some.Diff(Some.Registry(row), probe);

        diff.Drifts.Should().BeEmpty();
        diff.UndecidedKeys.Should().Contain(new DriftKey(DriftClass.StaleId, Landing, "claude_session_id_own")).And.Contain(new DriftKey(DriftClass.StaleId, Landing, "agy_session_id_own"));
    }

    [Theory]
    [InlineData(SessionStatus.Stopped)]
    [InlineData(SessionStatus.Terminated)]
    [InlineData(SessionStatus.Archived)]
    public void Diff_EndStateWithTmuxDead_LeftAlone(SessionStatus status)
    {
        var row = Some.Row(Landing, status);
        row.Resumable = true;
        var registry = Some.Registry(row);
        var probe = new FakeSessionProbe().SetTmuxKnown().AddTranscript(row.Cwd!, "fresh", Some.Now);

        var diff = Some.Diff(registry, probe);

        diff.Drifts.Should().BeEmpty();
        diff.EndStateAliveFirstSeen.Should().BeEmpty();
    }

    [Theory]
    [InlineData(SessionStatus.Stopped)]
    [InlineData(SessionStatus.Terminated)]
    [InlineData(SessionStatus.Archived)]
    public void Diff_EndStateWithoutTimestampsTmuxAlive_NeverRevivedAndReportedOnlyAfterGraceFromFirstSeen(SessionStatus status)
    {
        var row = Some.Row(Landing, status);
        (row.CreatedAt, row.UpdatedAt) = (null, null);
        var registry = Some.Registry(row);
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, Some.Root, 201132, "claude");

        var first = Some.Diff(registry, probe, Some.Now);
        var withinGrace = Some.Diff(registry, probe, Some.Now.AddSeconds(4), first.EndStateAliveFirstSeen);
        var afterGrace = Some.Diff(registry, probe, Some.Now.AddSeconds(5), withinGrace.EndStateAliveFirstSeen);

        first.Drifts.Should().BeEmpty();
        first.EndStateAliveFirstSeen.Should().ContainKey(Landing).WhoseValue.Should().Be(Some.Now);
        withinGrace.Drifts.Should().BeEmpty();
        var drift = afterGrace.Drifts.Should().ContainSingle().Subject;
        drift.Class.Should().Be(DriftClass.EndStateAlive);
        drift.Mutation.Should().BeNull();
        drift.Before.Should().Be(drift.After);
        drift.ToDrift(false, null).Message.Should().Contain("still alive").And.EndWith("Not revived.");
    }

    [Fact]
    public void Diff_TmuxUnknown_NoTerminationNoRegistrationNoEndStateDrift()
    {
        var registry = Some.Registry(Some.Row(Landing), Some.Row("lab-x-creator-claude", SessionStatus.Stopped));
        var probe = new FakeSessionProbe().AddTmuxSession(Pdf, Some.Root, 1, "agy").SetTmuxUnknown("tmux timed out after 5 s");
        var firstSeen = new Dictionary<string, DateTimeOffset> { ["lab-x-creator-claude"] = Some.T0 };

        var diff = Some.Diff(registry, probe, firstSeen: firstSeen);

        diff.Drifts.Should().BeEmpty();
        diff.TmuxKnown.Should().BeFalse();
        diff.TmuxUnknownReason.Should().Be("tmux timed out after 5 s");
        diff.EndStateAliveFirstSeen.Should().Equal(firstSeen);
    }

    [Fact]
    public void Diff_RegisteredRowWithTranscript_FillsIdInSamePassAndSecondPassFindsNothing()
    {
        var cwd = Some.Root + "/landing-page";
        var created = Some.T0.AddMinutes(1);
        var probe = new FakeSessionProbe()
            .AddTmuxSession(Landing, cwd, 9, "claude", created)
            .AddTranscript(cwd, "b3a7c2f", created.AddSeconds(30));

        var first = Some.Diff(Some.Registry(), probe);
        var after = Some.ApplyTo(Some.Registry(), first);
        var second = Some.Diff(after, probe);

        first.Drifts.Select(d => d.Class).Should().Equal(DriftClass.Unregistered, DriftClass.IdMaterialized);
        after.Find(Landing)!.ClaudeSessionIdOwn.Should().Be("b3a7c2f");
        second.Drifts.Should().BeEmpty();
    }

    [Fact]
    public void Diff_RunningRowVisiblyNotRunning_AsksForCaptureOnly()
    {
        var row = Some.Row(Landing);
        row.LastVisibleStatus = SessionStatus.Stopped;
        var probe = new FakeSessionProbe().AddTmuxSession(Landing, row.Cwd, 201132, "claude");

        var diff = Some.Diff(Some.Registry(row), probe);

        diff.Drifts.Should().BeEmpty();
        diff.VisibleRefreshes.Should().ContainSingle().Which.Session.Should().Be(Landing);
    }

    [Theory]
    [InlineData("lab-landing-page-creator-claude", "landing-page", "claude")]
    [InlineData("lab-creator-agy", null, "agy")]
    [InlineData("lab-a-creator-b-creator-codex", "a-creator-b", "codex")]
    public void TryParseSessionName_AgentNames_SplitsProjectAndAgent(string name, string? project, string agent)
    {
        SessionName.TryParse(name, "lab", out var parsed).Should().BeTrue();
        parsed!.Project.Should().Be(project);
        parsed.Agent.Should().Be(agent);
    }

    [Theory]
    [InlineData("lab-creator-a-creator-b")]
    [InlineData("lab-x-creator-")]
    [InlineData("lab--creator-claude")]
    [InlineData("lab-creator-cl aude")]
    [InlineData("lab-creator-claude\n")]
    [InlineData("labs-creator-claude")]
    [InlineData("lab-creator")]
    public void TryParseSessionName_NotAnAgentName_IsFalse(string name) =>
        SessionName.TryParse(name, "lab", out _).Should().BeFalse();

    [Fact]
    public void TryParseSessionName_ProjectWithNewline_KeepsIt()
    {
        SessionName.TryParse("lab-p\nq-creator-claude", "lab", out var parsed).Should().BeTrue();
        parsed!.Project.Should().Be("p\nq");
    }
}
