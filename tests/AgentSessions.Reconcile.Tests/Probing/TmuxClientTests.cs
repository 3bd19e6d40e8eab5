namespace AgentSessions.Reconcile.Tests.Probing;

public sealed class TmuxClientTests : IDisposable
{
    private readonly TmuxTestServer server = new();

    public void Dispose() => server.Dispose();

    [Theory]
    [InlineData("a", "/tmp/s", true)]
    [InlineData("a", null, false)]
    [InlineData(null, "/tmp/s", false)]
    [InlineData("", "/tmp/s", false)]
    [InlineData(null, null, false)]
    public void SocketProblem_NameAndPath_TheOneRule(string? name, string? path, bool problem)
    {
        TmuxClient.SocketProblem(name, path).Should().Be(problem ? "Give a tmux socket name or a socket path, not both." : null);
    }

    [Fact]
    public void Constructor_NameAndPath_Throws()
    {
        var act = () => new TmuxClient("a", "/tmp/s");

        act.Should().Throw<ArgumentException>().WithMessage("*not both*");
    }

    [Fact]
    public async Task KillSessionAsync_ExactName_EndsOnlyThatSession()
    {
        server.NewSession("lab-web");
        server.NewSession("lab-web-2");
        var tmux = new TmuxClient(socketName: server.SocketName);

        var killed = await tmux.KillSessionAsync("lab-web");

        killed.Succeeded.Should().BeTrue(killed.Problem);
        (await tmux.KillSessionAsync("lab-web")).Succeeded.Should().BeFalse("it is gone");
        (await tmux.DisplayAsync("lab-web-2", "#{session_name}")).Output.Should().Be("lab-web-2\n", "=name never matches a prefix");
    }

    [Fact]
    public async Task NewSessionAsync_ThenKillServer_ThePrivateServerIsGone()
    {
        var tmux = new TmuxClient(socketName: server.SocketName);

        (await tmux.NewSessionAsync("demo-a", Path.GetTempPath(), ["sleep", "600"])).Succeeded.Should().BeTrue();
        var pid = await tmux.DisplayAsync("demo-a", "#{pane_pid}");
        var killed = await tmux.KillServerAsync();

        long.Parse(pid.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture).Should().BePositive();
        killed.Succeeded.Should().BeTrue(killed.Problem);
        (await tmux.KillSessionAsync("demo-a")).Problem.Should().Contain("exited with code");
    }
}
