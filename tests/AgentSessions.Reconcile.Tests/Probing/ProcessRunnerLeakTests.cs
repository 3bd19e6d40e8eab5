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
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        tmux.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task RunAsync_ManyPassesAgainstRealTmux_OpenDescriptorsStayFlat()
    {
        tmux.NewSession("leak-a");
        var runner = new ProcessRunner();
        var request = new ProcessRequest("tmux", ["-L", tmux.SocketName, "list-panes", "-a", "-F", "#{session_name}"], TimeSpan.FromSeconds(10));
        await WarmUpAsync(runner);

        var leak = await Descriptors.MeasureAsync(gcFreeRuns: 150, maxRuns: 1_500, async () => (await runner.RunAsync(request)).StandardOutput.Should().Be("leak-a\n"));

        output.WriteLine(leak.ToString());
        leak.GcFreeRuns.Should().BeGreaterThanOrEqualTo(150, "enough runs without a collection to see a leak");
        leak.Opened.Should().BeLessThanOrEqualTo(2, "each run closes the pipes it opened, not the finalizer");
    }

    [Fact]
    public async Task RunAsync_ManyCancelledRuns_EachClosesItsPipes()
    {
        var runner = new ProcessRunner();
        var request = new ProcessRequest("sh", ["-c", "exec sleep 600"], TimeSpan.FromSeconds(30));
        await WarmUpAsync(runner);

        var leak = await Descriptors.MeasureAsync(gcFreeRuns: 10, maxRuns: 300, async () =>
        {
            using var cts = new CancellationTokenSource();
            var run = runner.RunAsync(request, cts.Token);
            await cts.CancelAsync();
            await FluentActions.Awaiting(() => run).Should().ThrowAsync<OperationCanceledException>();
        });

        output.WriteLine(leak.ToString());
        leak.GcFreeRuns.Should().BeGreaterThanOrEqualTo(10, "enough runs without a collection to see a leak");
        leak.Opened.Should().BeLessThanOrEqualTo(2, "a cancelled run closes its pipes too, not the finalizer");
    }

    [Fact]
    public async Task RunAsync_DescendantKeepsThePipes_OurEndClosedAtTheDrainBound()
    {
        var inodeFile = temp.Combine("pipe");
        var pidFile = temp.Combine("pid");

        // The shell exits at once; its background child inherits stdout and stderr and holds them open.
        var result = await new ProcessRunner().RunAsync(new ProcessRequest(
            "sh", ["-c", "p=$(readlink /proc/$$/fd/1); echo \"$p\" > \"$1\"; sleep 600 & echo $! > \"$2\"; echo hi", "sh", inodeFile, pidFile], TimeSpan.FromSeconds(10)));
        using var descendant = System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            result.Outcome.Should().Be(ProcessOutcome.Exited, "the runner returns after the drain bound");
            var pipe = File.ReadAllText(inodeFile).Trim();
            pipe.Should().StartWith("pipe:[");

            (await Poll.UntilAsync(() => !Descriptors.Holds(pipe), TimeSpan.FromSeconds(30)))
                .Should().BeTrue($"our end of {pipe} is closed although the descendant still holds its own");
        }
        finally
        {
            descendant.Kill();
        }
    }

    /// <summary>The thread pool, the SIGCHLD handling and the runtime open their descriptors once.</summary>
    private static async Task WarmUpAsync(ProcessRunner runner)
    {
        for (var i = 0; i < 5; i++)
        {
            (await runner.RunAsync(new ProcessRequest("true", [], TimeSpan.FromSeconds(10)))).Succeeded.Should().BeTrue();
        }
    }

    private static async Task<string> PipeOfAsync(string file)
    {
        (await Poll.UntilAsync(() => File.Exists(file) && new FileInfo(file).Length > 0, TimeSpan.FromSeconds(30))).Should().BeTrue();
        var pipe = File.ReadAllText(file).Trim();
        pipe.Should().StartWith("pipe:[");
        Descriptors.Holds(pipe).Should().BeTrue("this process reads the child's output from that pipe");
        return pipe;
    }
}

/// <summary>This process's open descriptors (<c>/proc/self/fd</c>).</summary>
internal static class Descriptors
{
    public static int Count() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>Whether one of this process's descriptors is <paramref name="target"/> (for example <c>pipe:[123]</c>).</summary>
    public static bool Holds(string target) =>
        Directory.GetFiles("/proc/self/fd").Any(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget == target;
            }
            catch (IOException)
            {
                return false; // closed while listing
            }
        });

    /// <summary>
    /// Runs <paramref name="run"/> until <paramref name="gcFreeRuns"/> runs went by without a garbage
    /// collection (at most <paramref name="maxRuns"/> runs) and adds up the descriptors each of those
    /// runs left open: a collection finalizes leaked handles and would hide the leak this measures.
    /// Counting to a target, not over a fixed number of runs, keeps the measure whole on a loaded
    /// machine where collections come often.
    /// </summary>
    public static async Task<Leak> MeasureAsync(int gcFreeRuns, int maxRuns, Func<Task> run)
    {
        var (opened, gcFree) = (0, 0);
        var first = Count();
        for (var i = 0; i < maxRuns && gcFree < gcFreeRuns; i++)
        {
            var (before, collections) = (Count(), GC.CollectionCount(0));
            await run();
            var after = Count();
            if (GC.CollectionCount(0) == collections)
            {
                (opened, gcFree) = (opened + after - before, gcFree + 1);
            }
        }

        return new Leak(opened, gcFree, first, Count());
    }

    public sealed record Leak(int Opened, int GcFreeRuns, int First, int Last)
    {
        public override string ToString() =>
            $"{Opened} descriptors left open over {GcFreeRuns} runs without a collection; {First} -> {Last} in all";
    }
}
