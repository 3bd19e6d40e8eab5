using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>The real process runner against real processes.</summary>
public sealed class ProcessRunnerTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private static ProcessRequest Sh(string script, TimeSpan? timeout = null) =>
        new("sh", ["-c", script, "sh", "arg with space", "$HOME"], timeout ?? TimeSpan.FromSeconds(10));

    [Fact]
    public async Task RunAsync_ExitingProcess_ReturnsExitCodeAndBothStreams()
    {
        var result = await new ProcessRunner().RunAsync(Sh("printf '%s|%s' \"$1\" \"$2\"; echo oops >&2; exit 3"));

        result.Outcome.Should().Be(ProcessOutcome.Exited);
        result.ExitCode.Should().Be(3);
        result.StandardOutput.Should().Be("arg with space|$HOME", "arguments are passed as a list, never through a shell");
        result.StandardError.Should().Be("oops\n");
    }

    [Fact]
    public async Task RunAsync_MissingExecutable_NotFoundResultNotException()
    {
        var result = await new ProcessRunner().RunAsync(new ProcessRequest(temp.Combine("nope"), [], TimeSpan.FromSeconds(1)));

        result.Outcome.Should().Be(ProcessOutcome.NotFound);
        result.FailureReason.Should().Contain("nope");
    }

    [Fact]
    public async Task RunAsync_NameNotOnChildPath_NotFound()
    {
        var request = new ProcessRequest("sh", ["-c", "true"], TimeSpan.FromSeconds(1))
        {
            Environment = new Dictionary<string, string?> { ["PATH"] = temp.Path },
        };

        var result = await new ProcessRunner().RunAsync(request);

        result.Outcome.Should().Be(ProcessOutcome.NotFound);
    }

    [Fact]
    public async Task RunAsync_FileNotExecutable_StartFailed()
    {
        var path = temp.Combine("plain.txt");
        File.WriteAllText(path, "hello");

        var result = await new ProcessRunner().RunAsync(new ProcessRequest(path, [], TimeSpan.FromSeconds(1)));

        result.Outcome.Should().Be(ProcessOutcome.StartFailed);
    }

    [Fact]
    public async Task RunAsync_EnvironmentNullValue_RemovesTheVariable()
    {
        var request = Sh("echo \"${HOME-unset}|${ASR_X}\"") with
        {
            Environment = new Dictionary<string, string?> { ["HOME"] = null, ["ASR_X"] = "set" },
        };

        var result = await new ProcessRunner().RunAsync(request);

        result.StandardOutput.Should().Be("unset|set\n");
    }

    [Fact]
    public async Task RunAsync_Hangs_TimedOutAfterTheBound()
    {
        // A bound a loaded machine's shell still prints within (at 300 ms, "started" sometimes came after the kill).
        var result = await new ProcessRunner().RunAsync(Sh("echo started; exec sleep 600", TimeSpan.FromSeconds(3)));

        result.Outcome.Should().Be(ProcessOutcome.TimedOut);
        result.ExitCode.Should().BeNull();
        result.StandardOutput.Should().Be("started\n", "what arrived before the kill is kept");
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsAndKills()
    {
        using var cts = new CancellationTokenSource();
        var task = new ProcessRunner().RunAsync(Sh("exec sleep 600"), cts.Token);
        cts.Cancel();

        await FluentActions.Awaiting(() => task).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task RunAsync_LargeOutput_KeptUpToTheBound()
    {
        var request = Sh("seq 1 100000") with { MaxOutputChars = 100 };

        var result = await new ProcessRunner().RunAsync(request);

        result.Outcome.Should().Be(ProcessOutcome.Exited);
        result.ExitCode.Should().Be(0, "the rest is read and dropped, so the child never blocks on a full pipe");
        result.StandardOutput.Should().HaveLength(100).And.StartWith("1\n2\n3\n");
    }

    [Fact]
    public async Task RunAsync_FakeClockAdvancedPastTimeout_TimedOut()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var run = new ProcessRunner(clock).RunAsync(Sh("exec sleep 600", TimeSpan.FromSeconds(5)));
        run.IsCompleted.Should().BeFalse("the fake clock has not moved");

        clock.Advance(TimeSpan.FromSeconds(5));
        var result = await run;

        result.Outcome.Should().Be(ProcessOutcome.TimedOut);
    }
}
