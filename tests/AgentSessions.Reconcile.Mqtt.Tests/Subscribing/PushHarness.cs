using System.Collections.Concurrent;
using System.Diagnostics;
using AgentSessions.Reconcile.Testing;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

/// <summary>A temp workspace with a real registry file (one running row with its jobs) and a probe that sees its tmux session alive.</summary>
internal sealed class PushWorkspace : IDisposable
{
    public const string Session = "lab-landing-page-creator-claude";

    public PushWorkspace(params (string JobId, string Token)[] jobs)
    {
        Root = Path.Combine(Path.GetTempPath(), "asr-push-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, ".hermes"));
        var yaml = "version: 1\nworkspace: lab\nsessions:\n"
            + $"  - name: {Session}\n    agent: claude\n    cwd: {Root}\n    status: running\n    last_visible_status: running\n"
            + "    created_at: 2026-11-20T10:00:00Z\n    updated_at: 2026-11-20T10:00:00Z\n"
            + $"    pane: {{ pid: 201132, cmd: claude, cwd: {Root} }}\n    jobs:\n";
        foreach (var (jobId, token) in jobs)
        {
            yaml += $"      - job_id: {jobId}\n        auth_token: \"{token}\"\n        status: running\n";
        }

        File.WriteAllText(RegistryPath, yaml);
        Store = RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = Root });
        Probe = new FakeSessionProbe().AddTmuxSession(Session, Root, 201132, "claude");
        Reconciler = Reconcile.Reconciler.Create(Store, Probe, new ReconcilerOptions { StateDirectory = Path.Combine(Root, "state") });
    }

    public string Root { get; }

    public string RegistryPath => Path.Combine(Root, ".hermes", "agent-sessions.yaml");

    public IRegistryStore Store { get; }

    public FakeSessionProbe Probe { get; }

    public IReconciler Reconciler { get; }

    public string RegistryText => File.ReadAllText(RegistryPath);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Runs a <see cref="MqttPushMonitor"/> in the background and records what it says.</summary>
internal sealed class MonitorRunner : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly CancellationTokenSource _stop = new();

    public MonitorRunner(PushWorkspace workspace, MqttTriggerOptions options, MqttMonitorRun? run = null, TimeProvider? time = null)
    {
        Monitor = new MqttPushMonitor(workspace.Reconciler, workspace.Store, options, time);
        run ??= new MqttMonitorRun { IdleTimeout = TimeSpan.Zero };
        run.OnReport = (report, _) =>
        {
            Reports.Enqueue(report);
            return Task.CompletedTask;
        };
        run.OnBrokerStatus = Statuses.Enqueue;
        run.OnPassFailed = e => Statuses.Enqueue("pass failed: " + e.Message);
        Run = Task.Run(() => Monitor.RunAsync(run, _stop.Token));
    }

    public MqttPushMonitor Monitor { get; }

    public ConcurrentQueue<DriftReport> Reports { get; } = new();

    public ConcurrentQueue<string> Statuses { get; } = new();

    public Task<MqttMonitorExit> Run { get; }

    public static MqttTriggerOptions Options(string broker, string clientId) => new()
    {
        Broker = broker,
        ClientId = clientId,
        ReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PollInterval = TimeSpan.FromMinutes(10),
        FallbackPollInterval = TimeSpan.FromSeconds(1),
    };

    /// <summary>Polls <paramref name="condition"/> until true, failing after a bound.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, Task? failFast = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (failFast is { IsCompleted: true })
            {
                await failFast; // surfaces its exception
                throw new InvalidOperationException($"The monitor ended before: {what}.");
            }

            if (clock.Elapsed > Bound)
            {
                throw new TimeoutException($"Not within {Bound}: {what}.");
            }

            await Task.Delay(20);
        }
    }

    public Task WaitForStatusAsync(string contains) =>
        EventuallyAsync(() => Statuses.Any(s => s.Contains(contains, StringComparison.Ordinal)), $"a status containing '{contains}' (got: {string.Join(" | ", Statuses)})", Run);

    public Task WaitForEventAsync(string jobId, long seq) =>
        EventuallyAsync(() => Reports.Any(r => r.Events.Any(e => e.JobId == jobId && e.Sequence == seq)), $"a pass carrying {jobId} seq {seq}", Run);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Run;
        }
        catch (OperationCanceledException)
        {
        }

        Monitor.Dispose();
        _stop.Dispose();
    }
}
