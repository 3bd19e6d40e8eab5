using AgentSessions.Reconcile.Reconciling;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>
/// Issue 15 item 2: a running row records the tmux server it was last seen alive on, so a pass that
/// asks another server (a mistyped socket) leaves it unknown, never terminated.
/// </summary>
public sealed class TmuxGoneRuleSocketTests
{
    private const string Landing = "lab-landing-page-creator-claude";
    private const string Right = "/tmp/tmux-1000/right";
    private const string Typo = "/tmp/tmux-1000/rihgt";

    private static DiffResult Diff(AgentSessions.Reconcile.Registry registry, TmuxState tmux, params string[] otherSocketsPresent)
    {
        var live = new LiveState(tmux)
            .With(LiveKeys.Claude, new AgentFiles([]))
            .With(LiveKeys.Agy, new AgentFiles([]))
            .With(LiveKeys.OtherSocketsPresent, new HashSet<string>(otherSocketsPresent, StringComparer.Ordinal));
        return DriftDiff.Compute(registry, live, Some.Now, Some.Options(), new Dictionary<string, DateTimeOffset>());
    }

    private static SessionRow SeenOn(string socket, string name = Landing)
    {
        var row = Some.Row(name);
        row.Pane!.Socket = socket;
        row.Pane.Id = "%3";
        return row;
    }

    private static TmuxSession Session(string name, long pid, string id, bool active = true) =>
        new(name, Some.T0, [new TmuxPane(0, 0, pid, "claude", Some.Root, null, isActive: active, isDead: false) { Id = id }]);

    [Fact]
    public void Diff_RowLastSeenOnAnotherServerThatStillExists_UnknownNotTerminatedNoteNamesBoth()
    {
        var registry = Some.Registry(SeenOn(Right), SeenOn(Right, "lab-b-creator-claude"));
        var other = TmuxState.Known([Session("lab-unrelated", 9, "%0")], Typo);

        var diff = Diff(registry, other, Right);

        diff.Drifts.Should().BeEmpty();
        diff.UndecidedKeys.Should().Contain(new DriftKey(DriftClass.TmuxGone, Landing));
        diff.Notes.Should().ContainSingle().Which.Should().Contain("wrong socket?").And.Contain(Right).And.Contain(Typo);
    }

    [Fact]
    public void Diff_RowLastSeenOnAnotherServer_NoServerOnTheOneAsked_StillUnknown()
    {
        var diff = Diff(Some.Registry(SeenOn(Right)), TmuxState.NoServer(Typo), Right);

        diff.Drifts.Should().BeEmpty();
        diff.Notes.Should().ContainSingle().Which.Should().Contain("wrong socket?");
    }

    [Fact]
    public void Diff_RowLastSeenOnAServerWhoseSocketIsGone_TerminatedAfterTheGrace()
    {
        var diff = Diff(Some.Registry(SeenOn(Right)), TmuxState.NoServer(Typo));

        diff.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.TmuxGone);
        diff.Notes.Should().BeEmpty();
    }

    [Fact]
    public void Diff_SameServerSessionGone_TerminatedAfterTheGrace()
    {
        var diff = Diff(Some.Registry(SeenOn(Right)), TmuxState.Known([Session("lab-unrelated", 9, "%0")], Right), Right);

        diff.Drifts.Should().ContainSingle().Which.Class.Should().Be(DriftClass.TmuxGone);
        diff.Notes.Should().BeEmpty();
    }

    [Fact]
    public void Diff_RunningRowAlive_RecordsServerAndPaneOnceThenNothing()
    {
        var registry = Some.Registry(Some.Row(Landing, pid: 201132, cmd: "claude"));
        var tmux = TmuxState.Known([Session(Landing, 201132, "%3")], Right);

        var first = Diff(registry, tmux);
        DefaultReconciler.ApplyAll(registry, [.. first.PaneRecords]);
        var second = Diff(registry, tmux);

        first.Drifts.Should().BeEmpty();
        first.PaneRecords.Should().ContainSingle();
        var pane = registry.Sessions[0].Pane!;
        (pane.Socket, pane.Id, pane.Pid, pane.Cmd, pane.Cwd).Should().Be((Right, "%3", 201132L, "claude", Some.Root + "/landing-page"));
        second.PaneRecords.Should().BeEmpty("a quiet pass writes nothing");
    }

    [Fact]
    public void Diff_RunningRowNowOnAnotherPane_RecordsTheNewPaneWithItsFacts()
    {
        var registry = Some.Registry(SeenOn(Right));
        var tmux = TmuxState.Known([Session(Landing, 777, "%9")], Right);

        DefaultReconciler.ApplyAll(registry, [.. Diff(registry, tmux).PaneRecords]);

        var pane = registry.Sessions[0].Pane!;
        (pane.Socket, pane.Id, pane.Pid, pane.Cwd).Should().Be((Right, "%9", 777L, Some.Root));
    }

    [Fact]
    public void Diff_RecordedPaneStillThereButNotActive_NothingToRecord()
    {
        var session = new TmuxSession(Landing, Some.T0,
        [
            new TmuxPane(0, 0, 201132, "claude", Some.Root, null, isActive: false, isDead: false) { Id = "%3" },
            new TmuxPane(0, 1, 5555, "bash", Some.Root, null, isActive: true, isDead: false) { Id = "%4" },
        ]);

        Diff(Some.Registry(SeenOn(Right)), TmuxState.Known([session], Right)).PaneRecords.Should().BeEmpty();
    }

    [Fact]
    public void Diff_UnregisteredSession_RegisteredWithItsServerAndPane()
    {
        var registry = Some.Registry();
        var tmux = TmuxState.Known([Session("lab-x-creator-claude", 42, "%5")], Right);

        var drift = Diff(registry, tmux).Drifts.Should().ContainSingle().Subject;

        var pane = ((RegisterMutation)drift.Mutation!).Template.Pane!;
        (pane.Socket, pane.Id).Should().Be((Right, "%5"));
    }
}
