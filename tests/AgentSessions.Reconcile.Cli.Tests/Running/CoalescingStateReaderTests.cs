using AgentSessions.Reconcile.Cli.Running;

namespace AgentSessions.Reconcile.Cli.Tests.Running;

public sealed class CoalescingStateReaderTests
{
    [Fact]
    public void Parse_ReportedKeys_ClassesBySession()
    {
        const string Text = """
            {"version":1,"reported":{
              "A:lab-a-creator-claude":"h1",
              "C:lab-b-creator-claude:claude_session_id_own":"h2",
              "D:lab-b-creator-claude:agent_identities.claude.session_id":"h3",
              "E:lab-c-creator-agy":"h4",
              "weird":"h5"},
             "endStateAliveFirstSeen":{}}
            """;

        var result = CoalescingStateReader.Parse(Text);

        result.Keys.Should().BeEquivalentTo("lab-a-creator-claude", "lab-b-creator-claude", "lab-c-creator-agy");
        result["lab-a-creator-claude"].Class.Should().Be("A");
        result["lab-b-creator-claude"].Class.Should().Be("C,D");
        result["lab-c-creator-agy"].Class.Should().Be("E");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{\"version\":2,\"reported\":{\"A:x\":\"h\"}}")]
    [InlineData("{\"reported\":{\"A:x\":\"h\"}}")]
    public void Parse_Unexpected_Empty(string text) => CoalescingStateReader.Parse(text).Should().BeEmpty();

    [Fact]
    public void PathFor_DefaultAndOverride()
    {
        CoalescingStateReader.PathFor("/w", null, "lab").Should().Be("/w/.cache/tmux-agent-orchestrate-monitor/lab.state");
        CoalescingStateReader.PathFor("/w", "/s", "lab").Should().Be("/s/lab.state");
    }

    [Fact]
    public void PathFor_WorkspaceNameWithSlash_SameFileAsTheReconciler()
    {
        // The reconciler replaces characters a file name cannot hold; status must read that same file.
        CoalescingStateReader.PathFor("/w", null, "team/lab").Should().Be("/w/.cache/tmux-agent-orchestrate-monitor/team_lab.state");
    }

    [Theory]
    [InlineData("{\"version\":\"1\",\"reported\":{}}")]
    [InlineData("{\"version\":1,\"reported\":{\"A:x\":7}}")]
    public void Parse_WrongTypes_Empty(string text) => CoalescingStateReader.Parse(text).Should().BeEmpty();
}
