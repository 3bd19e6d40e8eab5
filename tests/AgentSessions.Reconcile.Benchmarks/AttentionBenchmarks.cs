using System.IO.Abstractions;
using AgentSessions.Reconcile.Attention;
using AgentSessions.Reconcile.Processes;
using BenchmarkDotNet.Attributes;

namespace AgentSessions.Reconcile.Benchmarks;

/// <summary>
/// Issue #18: a quiet probe pass (nothing changed) at 50 live sessions, attention observed or not.
/// Each session on a private tmux server has a transcript in its own folder, a hook record (its
/// pane's pid as the agent) and a Claude per-process file, as with hooks installed; a long-lived
/// probe, so every file is only stat'ed. The aim: attention on costs at most 1.2x off.
/// </summary>
public class AttentionBenchmarks
{
    private const int Sessions = 50;

    private readonly ProcessRunner runner = new();
    private readonly Registry registry = new() { Workspace = "lab" };
    private string root = string.Empty;
    private string socket = string.Empty;
    private ISessionProbe withAttention = null!;
    private ISessionProbe withoutAttention = null!;

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "asr-attn-bench-" + Guid.NewGuid().ToString("N")[..12]);
        socket = "asr-attn-bench-" + Guid.NewGuid().ToString("N");
        var workspace = Directory.CreateDirectory(Path.Combine(root, "ws")).FullName;
        Directory.CreateDirectory(Path.Combine(workspace, ".hermes"));
        File.WriteAllText(Path.Combine(workspace, ".hermes", "agent-sessions.yaml"), "version: 1\n");
        var config = Path.Combine(root, "claude");
        Directory.CreateDirectory(Path.Combine(config, "sessions"));
        var tmuxArgs = new List<string> { "-L", socket };
        for (var i = 0; i < Sessions; i++)
        {
            var cwd = Directory.CreateDirectory(Path.Combine(workspace, $"p{i:00}")).FullName;
            registry.Sessions.Add(new SessionRow($"lab-p{i:00}-creator-claude") { Agent = "claude", Cwd = cwd, Status = SessionStatus.Running, ClaudeSessionIdOwn = $"id-{i:00}" });
            if (tmuxArgs.Count > 2)
            {
                tmuxArgs.Add(";");
            }

            tmuxArgs.AddRange(["new-session", "-d", "-s", $"lab-p{i:00}-creator-claude", "-c", cwd, "sleep 3600"]);
        }

        Run(tmuxArgs);
        var panes = Run(["-L", socket, "list-panes", "-a", "-F", "#{session_name}\t#{pane_pid}"]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var line in panes)
        {
            var (name, pid) = (line.Split('\t')[0], long.Parse(line.Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture));
            var row = registry.Find(name)!;
            var folder = Directory.CreateDirectory(Path.Combine(config, "projects", AgentSessions.Reconcile.Probing.ClaudeProjectKey.Compute(row.Cwd!))).FullName;
            var transcript = Path.Combine(folder, row.ClaudeSessionIdOwn + ".jsonl");
            File.WriteAllText(transcript, "{\"type\":\"assistant\",\"timestamp\":\"2026-12-07T10:00:00Z\",\"message\":{\"stop_reason\":\"end_turn\",\"content\":[]}}\n");
            File.WriteAllText(Path.Combine(config, "sessions", $"{pid}.json"), $$"""{"sessionId":"{{row.ClaudeSessionIdOwn}}","updatedAt":1796637600000}""");
            var now = DateTimeOffset.UtcNow;
            new HookRecord { SessionId = row.ClaudeSessionIdOwn!, Event = "Stop", State = "idle", At = now, Since = now, Cwd = row.Cwd, TranscriptPath = transcript, AgentPid = pid }
                .Write(HookRecord.DirectoryFor(workspace));
        }

        var options = new SessionProbeOptions { TmuxSocketName = socket, HomeDirectory = root, ClaudeConfigDirectory = config };
        withAttention = SessionProbe.Create(options, new FileSystem());
        withoutAttention = SessionProbe.Create(new SessionProbeOptions { TmuxSocketName = socket, HomeDirectory = root, ClaudeConfigDirectory = config, ObserveAttention = false }, new FileSystem());
        var live = withAttention.ObserveAsync(registry, "lab").GetAwaiter().GetResult();
        if (live.Tmux.Sessions.Count != Sessions || live.Get(LiveKeys.Attention).Count(a => a.Value is { State: "idle", Source: "hook" }) != Sessions)
        {
            throw new InvalidOperationException($"expected {Sessions} idle-by-hook sessions; saw {live.Tmux.Sessions.Count} sessions, {string.Join("; ", live.Get(LiveKeys.Attention).Values.Select(a => a.Evidence).Distinct())}");
        }

        withoutAttention.ObserveAsync(registry, "lab").GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        runner.RunAsync(new ProcessRequest("tmux", ["-L", socket, "kill-server"], TimeSpan.FromSeconds(10))).GetAwaiter().GetResult();
        Directory.Delete(root, recursive: true);
    }

    /// <summary>A quiet pass without attention: today's probe.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> QuietPassAttentionOff() => (await withoutAttention.ObserveAsync(registry, "lab")).Tmux.Sessions.Count;

    /// <summary>A quiet pass with attention: a stat of two folders, of each agent's /proc entry and of each transcript.</summary>
    [Benchmark]
    public async Task<int> QuietPassAttentionOn() => (await withAttention.ObserveAsync(registry, "lab")).Get(LiveKeys.Attention).Count;

    private string Run(List<string> args)
    {
        var result = runner.RunAsync(new ProcessRequest("tmux", args, TimeSpan.FromSeconds(60))).GetAwaiter().GetResult();
        return result.Succeeded ? result.StandardOutput : throw new InvalidOperationException("tmux failed: " + result.StandardError);
    }
}
