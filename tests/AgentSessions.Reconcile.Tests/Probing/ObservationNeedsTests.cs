using AgentSessions.Reconcile.Reconciling.Rules;
using AgentSessions.Reconcile.Tests.Reconciling;

namespace AgentSessions.Reconcile.Tests.Probing;

public sealed class ObservationNeedsTests
{
    private static TmuxSession Live(string name, string cwd) =>
        new(name, null, [new TmuxPane(0, 0, 1, "claude", cwd, null, isActive: true, isDead: false)]);

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

        var needs = ObservationNeeds.For(Some.Registry(own, withId, stopped, agy), tmux, "lab", DriftRules.Default);

        needs.Request(LiveKeys.Claude).Cwds.Should().BeEquivalentTo("/w/a", "/w/new");
        needs.Request(LiveKeys.Agy).Cwds.Should().BeEquivalentTo("/w/d", "/w/x");
        needs.Request(LiveKeys.RegistryRoots).Cwds.Should().BeEquivalentTo("/w/new", "/w/x");
        needs.Request(LiveKeys.Claude).Ids.Should().BeEquivalentTo("id-b");
        needs.Request(LiveKeys.Agy).Ids.Should().BeEquivalentTo("conv-c");
    }
}
