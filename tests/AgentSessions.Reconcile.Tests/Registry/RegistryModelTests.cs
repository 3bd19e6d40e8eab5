namespace AgentSessions.Reconcile.Tests.Registry;

public sealed class RegistryModelTests
{
    [Fact]
    public void Find_ExistingName_ReturnsRow()
    {
        var registry = new AgentSessions.Reconcile.Registry();
        registry.Sessions.Add(new SessionRow("lab-a-creator-claude"));
        registry.Sessions.Add(new SessionRow("lab-b-creator-agy"));

        registry.Find("lab-b-creator-agy")!.Name.Should().Be("lab-b-creator-agy");
        registry.Find("lab-b").Should().BeNull();
    }

    [Theory]
    [InlineData(SessionStatus.Running, false)]
    [InlineData(SessionStatus.Stopped, true)]
    [InlineData(SessionStatus.Terminated, true)]
    [InlineData(SessionStatus.Archived, true)]
    public void IsInEndState_ByStatus_MatchesContract(SessionStatus status, bool expected)
    {
        new SessionRow("x") { Status = status }.IsInEndState.Should().Be(expected);
    }
}
