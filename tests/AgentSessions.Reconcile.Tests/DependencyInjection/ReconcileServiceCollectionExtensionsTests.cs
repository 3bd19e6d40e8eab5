using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Tests.DependencyInjection;

public sealed class ReconcileServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "asr-di-" + Guid.NewGuid().ToString("N"));

    public ReconcileServiceCollectionExtensionsTests() => Directory.CreateDirectory(Path.Combine(_root, ".hermes"));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task AddAgentSessionsReconcile_WithWorkspace_ResolvesRealStoreProbeAndWorkingReconciler()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, ".hermes", "agent-sessions.yaml"), "version: 1\nworkspace: lab\nsessions: []\n");
        var services = new ServiceCollection();
        services.AddAgentSessionsReconcile(o =>
        {
            o.WorkspaceRoot = _root;
            o.Probe.TmuxSocketName = "asr-di-" + Guid.NewGuid().ToString("N");
            o.Reconciler.StateDirectory = Path.Combine(_root, "state");
        });
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var store = provider.GetRequiredService<IRegistryStore>();
        var report = await provider.GetRequiredService<IReconciler>().ReconcileAsync(new ReconcileRequest { DryRun = true });

        store.WorkspaceRoot.Should().Be(_root);
        report.Workspace.Should().Be("lab");
        report.TmuxKnown.Should().BeTrue("a private socket with no server is a known state with zero sessions");
        report.Drifts.Should().BeEmpty();
    }

    [Fact]
    public void AddAgentSessionsReconcile_CalledTwice_RegistersEachServiceOnceAndRunsBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddAgentSessionsReconcile(o => o.WorkspaceRoot = _root);
        services.AddAgentSessionsReconcile(o => o.Reconciler.EndStateGrace = TimeSpan.FromSeconds(9));
        using var provider = services.BuildServiceProvider();

        services.Count(d => d.ServiceType == typeof(IReconciler)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IRegistryStore)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<AgentSessionsReconcileOptions>)).Should().Be(1);
        var options = provider.GetRequiredService<IOptions<AgentSessionsReconcileOptions>>().Value;
        options.WorkspaceRoot.Should().Be(_root);
        options.Reconciler.EndStateGrace.Should().Be(TimeSpan.FromSeconds(9));
    }

    [Fact]
    public async Task AddAgentSessionsReconcile_PortsRegisteredFirst_AreKept()
    {
        var store = new FakeRegistryStore(workspaceRoot: _root);
        var probe = new FakeSessionProbe().SetTmuxKnown();
        var services = new ServiceCollection();
        services.AddSingleton<IRegistryStore>(store);
        services.AddSingleton<ISessionProbe>(probe);
        services.AddAgentSessionsReconcile(o => o.WorkspaceRoot = _root);
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IReconciler>().ReconcileAsync(new ReconcileRequest { DryRun = true });

        provider.GetRequiredService<IRegistryStore>().Should().BeSameAs(store);
        probe.ObserveCount.Should().Be(1);
        store.LoadCount.Should().Be(1);
    }

    [Fact]
    public void AddAgentSessionsReconcile_InvalidOptions_FailValidationNamingEachProblem()
    {
        var services = new ServiceCollection();
        services.AddAgentSessionsReconcile(o =>
        {
            o.Probe.TmuxTimeout = TimeSpan.Zero;
            o.Reconciler.EndStateGrace = TimeSpan.FromSeconds(-1);
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<AgentSessionsReconcileOptions>>().Value;

        act.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().Contain(f => f.Contains("WorkspaceRoot is required"))
            .And.Contain(f => f.Contains("TmuxTimeout must be positive"))
            .And.Contain(f => f.Contains("EndStateGrace must not be negative"));
    }

    [Fact]
    public void AddAgentSessionsReconcile_FromConfiguration_BindsNestedOptions()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AgentSessions:WorkspaceRoot"] = _root,
                ["AgentSessions:Store:LockTimeout"] = "00:00:03",
                ["AgentSessions:Probe:TmuxSocketName"] = "private",
                ["AgentSessions:Reconciler:EndStateGrace"] = "00:00:07",
                ["AgentSessions:Reconciler:WorkspaceName"] = "lab",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddAgentSessionsReconcile(configuration.GetSection("AgentSessions"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AgentSessionsReconcileOptions>>().Value;

        options.WorkspaceRoot.Should().Be(_root);
        options.Store.LockTimeout.Should().Be(TimeSpan.FromSeconds(3));
        options.Probe.TmuxSocketName.Should().Be("private");
        options.Reconciler.EndStateGrace.Should().Be(TimeSpan.FromSeconds(7));
        options.Reconciler.WorkspaceName.Should().Be("lab");
    }
}
