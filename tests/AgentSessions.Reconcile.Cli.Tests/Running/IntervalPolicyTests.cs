using AgentSessions.Reconcile.Cli.Parsing;
using AgentSessions.Reconcile.Cli.Running;

namespace AgentSessions.Reconcile.Cli.Tests.Running;

public sealed class IntervalPolicyTests
{
    [Theory]
    [InlineData(0, 30)]
    [InlineData(4, 30)]
    [InlineData(5, 60)]
    [InlineData(50, 60)]
    public void Choose_NoOverrides_DependsOnRunningSessions(int running, int expectedSeconds) =>
        IntervalPolicy.Choose(null, null, running).Should().Be(TimeSpan.FromSeconds(expectedSeconds));

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void Choose_Environment_WinsOverDefaultAndBusy(int running) =>
        IntervalPolicy.Choose(null, TimeSpan.FromSeconds(15), running).Should().Be(TimeSpan.FromSeconds(15));

    [Fact]
    public void Choose_Flag_WinsOverEnvironment() =>
        IntervalPolicy.Choose(TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(15), 9).Should().Be(TimeSpan.FromSeconds(7));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void FromEnvironment_UnsetOrEmpty_Null(string? value) =>
        IntervalPolicy.FromEnvironment(value).Should().BeNull();

    [Fact]
    public void FromEnvironment_Number_Seconds() =>
        IntervalPolicy.FromEnvironment("15").Should().Be(TimeSpan.FromSeconds(15));

    [Fact]
    public void FromEnvironment_Garbage_UsageErrorNamingVariable()
    {
        var act = () => IntervalPolicy.FromEnvironment("soon");
        act.Should().Throw<UsageException>().WithMessage("RECONCILE_POLL_INTERVAL must be a whole number of seconds*'soon'*");
    }
}
