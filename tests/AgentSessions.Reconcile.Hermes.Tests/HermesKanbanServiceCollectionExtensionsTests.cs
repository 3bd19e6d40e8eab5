using System.Runtime.CompilerServices;
using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Hermes.Tests;

public sealed class HermesKanbanServiceCollectionExtensionsTests : IDisposable
{
    private const string TaskId = "t_0a1b2c3d";
    private readonly TestBoard _board = new();

    public void Dispose() => _board.Dispose();

    [Fact]
    public async Task AddHermesKanbanGateway_Default_SqliteGatewayWritesTheRealBoard()
    {
        _board.AddTask(TaskId);
        var services = new ServiceCollection();
        services.AddHermesKanbanGateway(o => o.Environment = Env());
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var result = await provider.GetRequiredService<IKanbanGateway>().CommentAsync("drift");

        result.Should().Be(KanbanResult.Success);
        _board.Row("task_comments", "task_id = $t", ("$t", TaskId))["author"].Should().Be("coder");
    }

    [Fact]
    public void AddHermesKanbanGateway_Cli_ResolvesTheCliGateway()
    {
        var services = new ServiceCollection();
        services.AddHermesKanbanGateway(o =>
        {
            o.Environment = Env();
            o.Gateway = HermesKanbanGatewayKind.Cli;
        });
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IKanbanGateway>().Should().BeOfType<HermesCliKanbanGateway>();
    }

    [Fact]
    public void AddHermesKanbanGateway_GatewayRegisteredFirst_IsKept()
    {
        var fake = new FakeKanbanGateway();
        var services = new ServiceCollection();
        services.AddSingleton<IKanbanGateway>(fake);
        services.AddHermesKanbanGateway(o => o.Environment = Env());
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IKanbanGateway>().Should().BeSameAs(fake);
    }

    [Fact]
    public void AddHermesKanbanGateway_CalledTwice_OneGatewayAndBothConfigurationsRun()
    {
        var services = new ServiceCollection();
        services.AddHermesKanbanGateway(o => o.Environment = Env());
        services.AddHermesKanbanGateway(o => o.Board = "ops");
        using var provider = services.BuildServiceProvider();

        services.Count(d => d.ServiceType == typeof(IKanbanGateway)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<HermesKanbanOptions>)).Should().Be(1);
        var options = provider.GetRequiredService<IOptions<HermesKanbanOptions>>().Value;
        options.Board.Should().Be("ops");
        options.Environment.Should().ContainKey("HERMES_KANBAN_TASK");
    }

    [Fact]
    public void AddHermesKanbanGateway_NoTaskBadBoardZeroTimeouts_ResolvingFailsNamingEachProblem()
    {
        var services = new ServiceCollection();
        services.AddHermesKanbanGateway(o =>
        {
            o.Environment = new Dictionary<string, string?> { ["HOME"] = _board.Directory };
            o.Board = "-Bad Slug";
            o.BusyTimeout = TimeSpan.Zero;
            o.CommandTimeout = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IKanbanGateway>();

        act.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().Contain(f => f.Contains("No Hermes task: set HERMES_KANBAN_TASK"))
            .And.Contain(f => f.Contains("HermesKanbanOptions.Board: invalid board slug '-Bad Slug'"))
            .And.Contain(f => f.Contains("BusyTimeout must be positive"))
            .And.Contain(f => f.Contains("CommandTimeout must be positive"));
    }

    [Fact]
    public void AddHermesKanbanGateway_FromConfiguration_BindsOptions()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Hermes:Gateway"] = "Cli",
                ["Hermes:TaskId"] = TaskId,
                ["Hermes:Board"] = "ops",
                ["Hermes:HermesExecutable"] = "/opt/hermes/bin/hermes",
                ["Hermes:CommandTimeout"] = "00:00:12",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddHermesKanbanGateway(configuration.GetSection("Hermes"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<HermesKanbanOptions>>().Value;

        options.Gateway.Should().Be(HermesKanbanGatewayKind.Cli);
        options.TaskId.Should().Be(TaskId);
        options.Board.Should().Be("ops");
        options.HermesExecutable.Should().Be("/opt/hermes/bin/hermes");
        options.CommandTimeout.Should().Be(TimeSpan.FromSeconds(12));
        provider.GetRequiredService<IKanbanGateway>().Should().BeOfType<HermesCliKanbanGateway>();
    }

    [Fact]
    public void CoreAssembly_GrantsNoInternalsToThisPackage()
    {
        // Hermes restored with a newer core must not depend on the core's internals.
        typeof(IKanbanGateway).Assembly.GetCustomAttributes(typeof(InternalsVisibleToAttribute), inherit: false)
            .Cast<InternalsVisibleToAttribute>().Select(a => a.AssemblyName)
            .Should().NotContain(typeof(HermesKanban).Assembly.GetName().Name);
    }

    private Dictionary<string, string?> Env() => new()
    {
        ["HERMES_KANBAN_DB"] = _board.DatabasePath,
        ["HERMES_KANBAN_TASK"] = TaskId,
        ["HERMES_PROFILE"] = "coder",
        ["HOME"] = _board.Directory,
    };
}
