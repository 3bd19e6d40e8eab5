using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>A source that cannot read is unknown with the reason, never empty; a bug is not swallowed.</summary>
public sealed class LiveSourceTests
{
    [Fact]
    public async Task ObserveAsync_ReadFails_ObservationIsUnknownWithTheReason()
    {
        var needs = new ObservationNeeds(new AgentSessions.Reconcile.Registry(), TmuxState.Known([]), "lab");

        var live = await new Failing(new UnauthorizedAccessException("denied")).ObserveAsync(needs, new LiveState(TmuxState.Known([])), default);

        live.Get(LiveKeys.Claude).IsKnown.Should().BeFalse();
        live.Get(LiveKeys.Claude).UnknownReason.Should().Be("the Claude probe failed: denied");
        live.Get(LiveKeys.Claude).Presence("id").Should().Be(ArtifactPresence.Unknown);
    }

    [Fact]
    public async Task ObserveAsync_Bug_Propagates()
    {
        var needs = new ObservationNeeds(new AgentSessions.Reconcile.Registry(), TmuxState.Known([]), "lab");

        var act = async () => await new Failing(new InvalidOperationException("bug")).ObserveAsync(needs, new LiveState(TmuxState.Known([])), default);

        await act.Should().ThrowAsync<InvalidOperationException>();
    }

    private sealed class Failing(Exception error) : LiveSource<AgentFiles>(LiveKeys.Claude)
    {
        protected override AgentFiles See(ObservationNeeds needs, CancellationToken cancellationToken) => throw error;
    }
}
