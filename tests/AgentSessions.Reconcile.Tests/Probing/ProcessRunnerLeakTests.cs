using AgentSessions.Reconcile.Processes;
using Xunit.Abstractions;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>Runs alone: other tests' child processes would move this process's descriptor count.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>A long run of the real runner against real tmux leaves no descriptor behind.</summary>
[Collection(nameof(RunsAlone))]
public sealed class ProcessRunnerLeakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TmuxTestServer tmux = new();

    public void Dispose() => tmux.Dispose();

    [Fact]
    public async Task RunAsync_ManyPassesAgainstRealTmux_OpenDescriptorsStayFlat()
    {
        tmux.NewSession("leak-a");
        var runner = new ProcessRunner();
        var request = new ProcessRequest("tmux", ["-L", tmux.SocketName, "list-panes", "-a", "-F", "#{session_name}"], TimeSpan.FromSeconds(10));

        await WarmUpAsync(runner);

        var before = OpenDescriptors();
        var gcBefore = GC.CollectionCount(0);
        for (var i = 0; i < 300; i++)
        {
            var result = await runner.RunAsync(request);
            result.StandardOutput.Should().Be("leak-a\n");
        }

        var after = OpenDescriptors();
        output.WriteLine($"descriptors {before} -> {after} over 300 runs ({GC.CollectionCount(0) - gcBefore} gen0 GCs)");
        after.Should().BeLessThanOrEqualTo(before + 4, "each run must close the pipes it opened, not leave them to the finalizer");
    }

    [Fact]
    public async Task RunAsync_ManyCancelledRuns_OpenDescriptorsReturnToTheStart()
    {
        var runner = new ProcessRunner();
        var request = new ProcessRequest("sh", ["-c", "exec sleep 600"], TimeSpan.FromSeconds(10));
        await WarmUpAsync(runner);

        var before = OpenDescriptors();
        for (var i = 0; i < 20; i++)
        {
            using var cts = new CancellationTokenSource();
            var run = runner.RunAsync(request, cts.Token);
            await cts.CancelAsync();
            await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
        }

        // The killed children's pipes reach end-of-file a moment after the kill.
        (await Poll.UntilAsync(() => OpenDescriptors() <= before + 4, TimeSpan.FromSeconds(10)))
            .Should().BeTrue($"a cancelled run closes its pipes too (descriptors {before} -> {OpenDescriptors()})");
    }

    [Fact]
    public async Task RunAsync_DescendantKeepsThePipes_ClosedOnceItExits()
    {
        using var temp = new TempFolder();
        var pidFile = temp.Combine("pid");
        var runner = new ProcessRunner();
        await WarmUpAsync(runner);
        var before = OpenDescriptors();

        // The shell exits at once; its background child inherits stdout and stderr and holds them open.
        var result = await runner.RunAsync(new ProcessRequest("sh", ["-c", "sleep 600 & echo $! > \"$1\"; echo hi", "sh", pidFile], TimeSpan.FromSeconds(10)));
        result.Outcome.Should().Be(ProcessOutcome.Exited, "the runner returns after the drain bound");
        var descendant = System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        descendant.Kill();
        descendant.Dispose();

        (await Poll.UntilAsync(() => OpenDescriptors() <= before + 2, TimeSpan.FromSeconds(10)))
            .Should().BeTrue($"the pipes close when the descendant lets go (descriptors {before} -> {OpenDescriptors()})");
    }

    /// <summary>The thread pool, the SIGCHLD handling and the runtime open their descriptors once.</summary>
    private static async Task WarmUpAsync(ProcessRunner runner)
    {
        for (var i = 0; i < 5; i++)
        {
            (await runner.RunAsync(new ProcessRequest("true", [], TimeSpan.FromSeconds(10)))).Succeeded.Should().BeTrue();
        }
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;
}
