using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Tests.Reconciling;

namespace AgentSessions.Reconcile.Tests.Probing;

public sealed class ObservationScopeTests
{
    private static TmuxSession Live(string name, string cwd) =>
        new(name, null, [new TmuxPane(0, 0, 1, "claude", cwd, null, IsActive: true, IsDead: false)]);

    [Fact]
    public void For_RowsAndCandidates_LooksOnlyWhereTheDiffNeedsIt()
    {
        var own = Some.Row("lab-a-creator-claude", cwd: "/w/a");
        var withId = Some.Row("lab-b-creator-claude", cwd: "/w/b");
        withId.ClaudeSessionIdOwn = "id-b";
        var stopped = Some.Row("lab-c-creator-claude", SessionStatus.Stopped, cwd: "/w/c");
        stopped.AgentIdentities["agy"] = new Dictionary<string, string?> { ["conversation_id"] = "conv-c" };
        var agy = Some.Row("lab-d-creator-agy", cwd: "/w/d");
        var tmux = TmuxState.Known([Live("lab-a-creator-claude", "/w/a"), Live("lab-new-creator-claude", "/w/new"), Live("lab-x-creator-agy", "/w/x"), Live("other", "/w/o")]);

        var request = ObservationScope.For(Some.Registry(own, withId, stopped, agy), tmux, "lab");

        request.Cwds.Should().BeEquivalentTo("/w/a", "/w/new");
        request.AgyCwds.Should().BeEquivalentTo("/w/d", "/w/x");
        request.CandidateCwds.Should().BeEquivalentTo("/w/new", "/w/x");
        request.ClaudeSessionIds.Should().BeEquivalentTo("id-b");
        request.AgyConversationIds.Should().BeEquivalentTo("conv-c");
    }
}
