using System.Diagnostics;
using System.Globalization;

namespace AgentSessions.Reconcile.Benchmarks;

/// <summary>
/// The quiet-pass rows of <see cref="ProbeBenchmarks"/>, interleaved: each round times the floor and
/// each pass once, in turn, so load that comes and goes hits them alike; prints each one's median
/// and the median of its per-round ratio to the floor. A harness beside BenchmarkDotNet for a
/// loaded machine (docs/performance.md, "Quiet passes").
/// </summary>
internal static class QuietPassHarness
{
    public static async Task RunAsync(int rounds)
    {
        var bench = new ProbeBenchmarks();
        bench.Setup();
        try
        {
            (string Name, Func<Task> Run)[] rows =
            [
                ("FloorQuiet", () => bench.FloorQuiet()),
                ("ProbePass", () => bench.ProbePass()),
                ("ProbePassNoAttention", () => bench.ProbePassNoAttention()),
                ("ProbeArtifactsOnly", () => Task.FromResult(bench.ProbeArtifactsOnly())),
                ("ProbeTmuxOnly", () => bench.ProbeTmuxOnly()),
                ("ListPanesWithFormat", () => bench.ListPanesWithFormat()),
                ("ProbeTmuxReadAll", () => bench.ProbeTmuxReadAll()),
                ("ListPanesWithTmuxForeground", () => bench.ListPanesWithTmuxForeground()),
            ];
            var times = rows.Select(_ => new List<double>()).ToArray();
            for (var round = -3; round < rounds; round++)
            {
                for (var i = 0; i < rows.Length; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await rows[i].Run();
                    if (round >= 0)
                    {
                        times[i].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                }
            }

            Console.WriteLine($"{rounds} rounds, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Console.WriteLine("| Method | median | p90 | median of per-round ratio to FloorQuiet |");
            Console.WriteLine("|---|---:|---:|---:|");
            for (var i = 0; i < rows.Length; i++)
            {
                var ratios = times[i].Select((t, r) => t / times[0][r]).ToList();
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {rows[i].Name} | {Median(times[i]):F2} ms | {Quantile(times[i], 0.9):F2} ms | {Median(ratios):F2} |"));
            }
        }
        finally
        {
            bench.Cleanup();
        }
    }

    private static double Median(List<double> values) => Quantile(values, 0.5);

    private static double Quantile(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Round(q * (sorted.Count - 1))];
    }
}
