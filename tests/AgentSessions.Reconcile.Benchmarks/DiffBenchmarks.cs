using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;
using BenchmarkDotNet.Attributes;

namespace AgentSessions.Reconcile.Benchmarks;

/// <summary>The pure diff at 10, 1,000 and 10,000 sessions.</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class DiffBenchmarks
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private Registry _registry = null!;
    private LiveState _live = null!;
    private DiffOptions _options = null!;
    private Dictionary<string, DateTimeOffset> _firstSeen = null!;

    [Params(10, 1_000, 10_000)]
    public int Sessions { get; set; }

    [GlobalSetup]
    public void SetupDiff()
    {
        var (registry, probe) = Build(Sessions);
        _registry = registry;
        _live = probe.ObserveAsync(registry, "lab").GetAwaiter().GetResult();
        _options = new DiffOptions("lab", TimeSpan.FromSeconds(5));
        _firstSeen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
    }

    [Benchmark]
    public int Diff() => DriftDiff.Compute(_registry, _live, T0.AddHours(1), _options, _firstSeen).Drifts.Count;

    /// <summary>A mix: most rows running and alive, some dead (A), some stopped (half still alive: E), stale ids (D), new transcripts (C), unregistered sessions (B).</summary>
    internal static (Registry Registry, FakeSessionProbe Probe) Build(int n)
    {
        var registry = new Registry { Workspace = "lab" };
        var probe = new FakeSessionProbe().SetTmuxKnown();
        for (var i = 0; i < n; i++)
        {
            var name = $"lab-p{i}-creator-claude";
            var cwd = $"/home/u/lab/p{i}";
            var kind = i % 10;
            var row = new SessionRow(name)
            {
                Agent = "claude",
                Cwd = cwd,
                Status = kind == 8 ? SessionStatus.Stopped : SessionStatus.Running,
                LastVisibleStatus = kind == 8 ? SessionStatus.Stopped : SessionStatus.Running,
                CreatedAt = T0,
                Pane = new PaneInfo { Pid = 1000 + i, Cmd = "claude", Cwd = cwd },
                ClaudeSessionIdOwn = kind == 5 ? null : $"own-{i}",
            };
            if (kind == 3)
            {
                row.AgentIdentities["claude"] = new Dictionary<string, string?> { ["session_id"] = $"gone-{i}" };
            }

            registry.Sessions.Add(row);
            if (kind != 9 && !(kind == 8 && i % 20 == 8))
            {
                probe.AddTmuxSession(name, cwd, 1000 + i, "claude", T0);
            }

            if (kind != 5)
            {
                probe.AddTranscript(cwd, $"own-{i}", T0.AddMinutes(1));
            }
            else
            {
                probe.AddTranscript(cwd, $"new-{i}", T0.AddMinutes(2));
            }
        }

        for (var i = 0; i < n / 50 + 1; i++)
        {
            probe.AddTmuxSession($"lab-extra{i}-creator-agy", $"/home/u/lab/extra{i}", 50_000 + i, "agy", T0);
        }

        return (registry, probe);
    }
}

/// <summary>A whole in-process pass at 200 sessions with the fakes (steady state: every drift already reported, nothing to write).</summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class DiffPassBenchmarks
{
    private IReconciler _reconciler = null!;
    private string _stateDir = null!;

    [GlobalSetup]
    public void SetupPass()
    {
        var (registry, probe) = DiffBenchmarks.Build(200);
        _stateDir = Path.Combine(Path.GetTempPath(), "asr-bench-" + Guid.NewGuid().ToString("N"));
        _reconciler = Reconciler.Create(new FakeRegistryStore(registry), probe, new ReconcilerOptions { StateDirectory = _stateDir });

        // The first pass applies every change; the measured passes are the steady state.
        _reconciler.ReconcileAsync(new ReconcileRequest()).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void CleanupPass()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    [Benchmark]
    public int WholePass200() => _reconciler.ReconcileAsync(new ReconcileRequest()).GetAwaiter().GetResult().CoalescedCount;
}
