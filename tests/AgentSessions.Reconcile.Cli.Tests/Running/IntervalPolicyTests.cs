using AgentSessions.Reconcile.Cli.Parsing;
using AgentSessions.Reconcile.Cli.Running;

namespace AgentSessions.Reconcile.Cli.Tests.Running;

public sealed class IntervalPolicyTests
{
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
