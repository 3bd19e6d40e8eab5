using AgentSessions.Reconcile.Tests.Probing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>Whole passes (store, lock, probe, apply, state file) against real tmux leave no descriptor behind.</summary>
[Collection(nameof(RunsAlone))]
public sealed class ReconcilePassLeakTests(ITestOutputHelper output) : IDisposable
{
    private readonly TmuxTestServer tmux = new();
    private readonly TempFolder temp = new();

    public void Dispose()
    {
        tmux.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task ReconcileAsync_ManyRealPasses_OpenDescriptorsStayFlat()
    {
        var workspace = temp.CreateDirectory("lab");
        temp.CreateDirectory("lab", ".hermes");
        File.WriteAllText(Path.Combine(workspace, ".hermes", "agent-sessions.yaml"), "version: 1\nworkspace: lab\nsessions: []\n");
        tmux.NewSession("lab-web-creator-claude", workspace);
        var services = new ServiceCollection();
        services.AddAgentSessionsReconcile(o =>
        {
            o.WorkspaceRoot = workspace;
            o.Probe.TmuxSocketName = tmux.SocketName;
            o.Probe.HomeDirectory = temp.CreateDirectory("home");
            o.Reconciler.StateDirectory = temp.CreateDirectory("state");
        });
        await using var provider = services.BuildServiceProvider();
        var reconciler = provider.GetRequiredService<IReconciler>();

        // The first pass registers the live session (B) and warms the runtime up; the rest are steady.
        for (var i = 0; i < 5; i++)
        {
            await reconciler.ReconcileAsync(new ReconcileRequest());
        }

        var leak = await Descriptors.MeasureAsync(gcFreeRuns: 50, maxRuns: 1_000, async () => (await reconciler.ReconcileAsync(new ReconcileRequest())).TmuxKnown.Should().BeTrue());

        output.WriteLine(leak.ToString());
        leak.GcFreeRuns.Should().BeGreaterThanOrEqualTo(50, "enough passes without a collection to see a leak");
        leak.Opened.Should().BeLessThanOrEqualTo(2, "a pass closes everything it opens, not the finalizer");
    }
}
