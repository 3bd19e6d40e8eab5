using System.Diagnostics;
using System.IO.Abstractions;
using System.Text.Json;
using AgentSessions.Reconcile.Processes;
using BenchmarkDotNet.Attributes;

namespace AgentSessions.Reconcile.Benchmarks;

/// <summary>
/// One probe pass at scale: 200 tmux sessions on a private server and 20,000 transcripts in 200
/// project folders. Compared, in one run, with the quiet floor (a bare <c>tmux list-panes -a</c>
/// plus one stat per project folder: what a pass where nothing changed must do), the listing
/// floors (a plain listing of the 200 folders) and the naive way (one <c>has-session</c> per session).
/// </summary>
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class ProbeBenchmarks
{
    private const int Sessions = 200;
    private const int TranscriptsPerFolder = 100;

    private readonly ProcessRunner runner = new();
    private readonly List<string> cwds = [];
    private readonly List<string> folders = [];
    private string root = string.Empty;
    private string socket = string.Empty;
    private SessionProbeOptions options = new();
    private ISessionProbe warmProbe = null!;
    private ISessionProbe warmProbeNoAttention = null!;
    private AgentSessions.Reconcile.Probing.ClaudeTranscriptProbe claudeOnly = null!;
    private AgentSessions.Reconcile.Probing.TmuxSessionProbe tmuxOnly = null!;
    private readonly ArtifactRequest request = new();
    private readonly Registry registry = new() { Workspace = "lab" };

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "asr-bench-" + Guid.NewGuid().ToString("N")[..12]);
        socket = "asr-bench-" + Guid.NewGuid().ToString("N");
        var config = Path.Combine(root, "claude");
        var tmuxArgs = new List<string> { "-L", socket };
        for (var i = 0; i < Sessions; i++)
        {
            var cwd = Directory.CreateDirectory(Path.Combine(root, "work", $"project_{i:000}.d")).FullName;
            cwds.Add(cwd);
            request.Cwds.Add(cwd);
            registry.Sessions.Add(new SessionRow($"bench-{i:000}") { Agent = "claude", Cwd = cwd, Status = SessionStatus.Running, CreatedAt = DateTimeOffset.UnixEpoch });
            var folder = Directory.CreateDirectory(Path.Combine(config, "projects", cwd.Replace('/', '-').Replace('_', '-').Replace('.', '-'))).FullName;
            folders.Add(folder);
            for (var t = 0; t < TranscriptsPerFolder; t++)
            {
                var id = Guid.NewGuid().ToString();
                File.WriteAllText(
                    Path.Combine(folder, id + ".jsonl"),
                    "{\"type\":\"summary\",\"summary\":\"bench\"}\n"
                    + $"{{\"type\":\"user\",\"cwd\":{JsonSerializer.Serialize(cwd)},\"sessionId\":\"{id}\",\"message\":{{\"role\":\"user\",\"content\":\"hello\"}}}}\n");
            }

            if (tmuxArgs.Count > 2)
            {
                tmuxArgs.Add(";");
            }

            tmuxArgs.AddRange(["new-session", "-d", "-s", $"bench-{i:000}", "-c", cwd, "sleep 3600"]);
            if (i % 20 == 19)
            {
                // tmux limits the length of one command line: create the sessions 20 at a time.
                var created = runner.RunAsync(new ProcessRequest("tmux", tmuxArgs, TimeSpan.FromSeconds(60))).GetAwaiter().GetResult();
                if (!created.Succeeded)
                {
                    throw new InvalidOperationException("tmux setup failed: " + created.StandardError);
                }

                tmuxArgs.RemoveRange(2, tmuxArgs.Count - 2);
            }
        }

        options = new SessionProbeOptions { TmuxSocketName = socket, HomeDirectory = root, ClaudeConfigDirectory = config };
        warmProbe = SessionProbe.Create(options, new FileSystem());
        warmProbeNoAttention = SessionProbe.Create(new SessionProbeOptions { TmuxSocketName = socket, HomeDirectory = root, ClaudeConfigDirectory = config, ObserveAttention = false }, new FileSystem());
        warmProbeNoAttention.ObserveAsync(registry, "lab").GetAwaiter().GetResult();
        var settings = AgentSessions.Reconcile.Probing.ProbeSettings.From(options, new FileSystem());
        claudeOnly = new AgentSessions.Reconcile.Probing.ClaudeTranscriptProbe(settings);
        tmuxOnly = new AgentSessions.Reconcile.Probing.TmuxSessionProbe(settings, runner);
        var live = warmProbe.ObserveAsync(registry, "lab").GetAwaiter().GetResult();
        if (live.Tmux.Sessions.Count != Sessions)
        {
            throw new InvalidOperationException($"expected {Sessions} sessions, saw {live.Tmux.Sessions.Count}: {live.Tmux.UnknownReason}");
        }

        var found = cwds.Sum(c => live.Get(LiveKeys.Claude).In(c).Count);
        if (found != Sessions * TranscriptsPerFolder)
        {
            throw new InvalidOperationException($"expected {Sessions * TranscriptsPerFolder} transcripts, saw {found}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        runner.RunAsync(new ProcessRequest("tmux", ["-L", socket, "kill-server"], TimeSpan.FromSeconds(10))).GetAwaiter().GetResult();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>The quiet floor: a bare list-panes plus one stat (the mtime) of each of the 200 project folders.</summary>
    [Benchmark(Baseline = true)]
    public async Task<long> FloorQuiet()
    {
        var result = await runner.RunAsync(new ProcessRequest("tmux", ["-L", socket, "list-panes", "-a"], TimeSpan.FromSeconds(10)));
        long sum = result.StandardOutput.Length;
        foreach (var folder in folders)
        {
            sum += Directory.GetLastWriteTimeUtc(folder).Ticks;
        }

        return sum;
    }

    /// <summary>The tmux call of a pass without parsing it: list-panes with the probe's format (the fields a pass needs).</summary>
    [Benchmark]
    public async Task<int> ListPanesWithFormat()
    {
        var format = AgentSessions.Reconcile.Probing.TmuxListPanesParser.Format("ASR1sentinel");
        var result = await runner.RunAsync(new ProcessRequest("tmux", ["-L", socket, "list-panes", "-a", "-F", format], TimeSpan.FromSeconds(10)));
        return result.StandardOutput.Length;
    }

    /// <summary>The tmux call as it was before the probe read the foreground from /proc: tmux finds each pane's command and path.</summary>
    [Benchmark]
    public async Task<int> ListPanesWithTmuxForeground()
    {
        var format = AgentSessions.Reconcile.Probing.TmuxListPanesParser.Format("ASR1sentinel")
            .Replace("#{?pane_dead,#{pane_current_command},}", "#{pane_current_command}\t#{pane_current_path}", StringComparison.Ordinal);
        var result = await runner.RunAsync(new ProcessRequest("tmux", ["-L", socket, "list-panes", "-a", "-F", format], TimeSpan.FromSeconds(10)));
        return result.StandardOutput.Length;
    }

    /// <summary>The listing floor: a bare list-panes plus a plain listing of the 200 folders.</summary>
    [Benchmark]
    public async Task<int> Floor()
    {
        var result = await runner.RunAsync(new ProcessRequest("tmux", ["-L", socket, "list-panes", "-a"], TimeSpan.FromSeconds(10)));
        var count = result.StandardOutput.Length;
        foreach (var folder in folders)
        {
            foreach (var _ in Directory.EnumerateFiles(folder, "*.jsonl"))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The floor with what a pass must know of each file: its length and mtime (one stat each).</summary>
    [Benchmark]
    public async Task<long> FloorWithStat()
    {
        var result = await runner.RunAsync(new ProcessRequest("tmux", ["-L", socket, "list-panes", "-a"], TimeSpan.FromSeconds(10)));
        long sum = result.StandardOutput.Length;
        foreach (var folder in folders)
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*.jsonl"))
            {
                sum += file.Length + file.LastWriteTimeUtc.Ticks;
            }
        }

        return sum;
    }

    /// <summary>The file half of the floor alone: names of the 20,000 files, no stat.</summary>
    [Benchmark]
    public int FloorFilesOnly()
    {
        var count = 0;
        foreach (var folder in folders)
        {
            foreach (var _ in Directory.EnumerateFiles(folder, "*.jsonl"))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The file half of <see cref="FloorWithStat"/> alone: names, length and mtime (one stat each).</summary>
    [Benchmark]
    public long FloorFilesWithStatOnly()
    {
        long sum = 0;
        foreach (var folder in folders)
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles("*.jsonl"))
            {
                sum += file.Length + file.LastWriteTimeUtc.Ticks;
            }
        }

        return sum;
    }

    /// <summary>The file half of <see cref="ProbePass"/> alone: transcripts of 200 cwds on a long-lived probe.</summary>
    [Benchmark]
    public int ProbeArtifactsOnly() => claudeOnly.Observe(request, default).In(cwds[0]).Count;

    /// <summary>A full pass (tmux + transcripts of 200 cwds) on a long-lived probe: heads remembered.</summary>
    [Benchmark]
    public async Task<int> ProbePass()
    {
        var live = await warmProbe.ObserveAsync(registry, "lab");
        return live.Tmux.Sessions.Count + live.Get(LiveKeys.Claude).In(cwds[0]).Count;
    }

    /// <summary>The same pass without attention (<see cref="SessionProbeOptions.ObserveAttention"/> off): what attention adds.</summary>
    [Benchmark]
    public async Task<int> ProbePassNoAttention()
    {
        var live = await warmProbeNoAttention.ObserveAsync(registry, "lab");
        return live.Tmux.Sessions.Count + live.Get(LiveKeys.Claude).In(cwds[0]).Count;
    }

    /// <summary>A full pass on a fresh probe: every transcript head read (first pass after start).</summary>
    [Benchmark]
    public async Task<int> ProbePassCold()
    {
        var probe = SessionProbe.Create(options, new FileSystem());
        var live = await probe.ObserveAsync(registry, "lab");
        return live.Tmux.Sessions.Count + live.Get(LiveKeys.Claude).In(cwds[0]).Count;
    }

    /// <summary>The tmux part alone: one list-panes for all 200 sessions.</summary>
    [Benchmark]
    public async Task<int> ProbeTmuxOnly() => (await tmuxOnly.ProbeAsync(default)).Sessions.Count;

    /// <summary>The tmux part with every pane's command and path asked (read from /proc), as <c>status</c> does.</summary>
    [Benchmark]
    public async Task<int> ProbeTmuxReadAll() =>
        (await tmuxOnly.ProbeAsync(default)).Sessions.Values.SelectMany(s => s.Panes).Sum(p => (p.CurrentCommand?.Length ?? 0) + (p.CurrentPath?.Length ?? 0));

    /// <summary>The naive way: one has-session process per session.</summary>
    [Benchmark]
    public async Task<int> NaiveHasSessionPerSession()
    {
        var alive = 0;
        for (var i = 0; i < Sessions; i++)
        {
            var result = await runner.RunAsync(new ProcessRequest("tmux", ["-L", socket, "has-session", "-t", $"=bench-{i:000}"], TimeSpan.FromSeconds(10)));
            if (result.Succeeded)
            {
                alive++;
            }
        }

        Debug.Assert(alive == Sessions, "every session is alive");
        return alive;
    }
}
