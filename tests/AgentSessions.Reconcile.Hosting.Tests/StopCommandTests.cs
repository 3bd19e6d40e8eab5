namespace AgentSessions.Reconcile.Tests.Hosting;

public sealed class StopCommandTests
{
    private static readonly string[] Phrases = ["stop", "stop monitoring"];

    [Theory]
    [InlineData("stop")]
    [InlineData("Stop")]
    [InlineData("STOP")]
    [InlineData("  stop monitoring  ")]
    [InlineData("Stop Monitoring")]
    [InlineData("stop.")]
    [InlineData("stop!")]
    [InlineData("stop, please")]
    [InlineData("stop monitoring: done for today")]
    [InlineData("\tstop\n")]
    public void IsStopRequest_CommandFromUser_IsStop(string body)
    {
        StopCommand.IsStopRequest(new KanbanComment("alice", body, DateTimeOffset.UnixEpoch, IsFromSelf: false), Phrases)
            .Should().BeTrue();
    }

    [Theory]
    [InlineData("stopped")]
    [InlineData("the session stopped")]
    [InlineData("don't stop")]
    [InlineData("please stop")]
    [InlineData("stopwatch")]
    [InlineData("stop-gap fix landed")]
    [InlineData("stop's meaning")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("monitoring stop")]
    public void IsStopRequest_NotACommand_IsNotStop(string body)
    {
        StopCommand.IsStopRequest(new KanbanComment("alice", body, DateTimeOffset.UnixEpoch, IsFromSelf: false), Phrases)
            .Should().BeFalse();
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("stop monitoring")]
    [InlineData("stop-requested by user at 2026-01-01T00:00:00Z")]
    public void IsStopRequest_WorkersOwnComment_IsNotStop(string body)
    {
        StopCommand.IsStopRequest(new KanbanComment("worker", body, DateTimeOffset.UnixEpoch, IsFromSelf: true), Phrases)
            .Should().BeFalse();
    }

    [Fact]
    public void IsStopRequest_CustomPhrase_MatchesOnlyThatPhrase()
    {
        string[] phrases = ["halt"];
        StopCommand.IsStopRequest(new KanbanComment("alice", "Halt.", DateTimeOffset.UnixEpoch, false), phrases).Should().BeTrue();
        StopCommand.IsStopRequest(new KanbanComment("alice", "stop", DateTimeOffset.UnixEpoch, false), phrases).Should().BeFalse();
    }
}
