using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Tests.Hosting;

public sealed class MonitorServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Action<MonitorOptions> configure, int calls = 1, ILogger? logger = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logger is null ? NullLoggerFactory.Instance : new OneLoggerFactory(logger));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton<IHostApplicationLifetime, TestLifetime>();
        services.AddSingleton<IReconciler>(new ScriptedReconciler(TimeProvider.System));
        services.AddSingleton<IKanbanGateway>(new FakeKanbanGateway());
        for (var i = 0; i < calls; i++)
        {
            services.AddAgentSessionsMonitor(configure);
        }

        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddAgentSessionsMonitor_CalledTwice_OneHostedMonitorWithOptions()
    {
        using var provider = Build(o => o.HeartbeatInterval = TimeSpan.FromSeconds(5), calls: 2);

        provider.GetServices<IHostedService>().Should().ContainSingle().Which.Should().BeOfType<MonitorService>();
        provider.GetRequiredService<IOptions<MonitorOptions>>().Value.HeartbeatInterval.Should().Be(TimeSpan.FromSeconds(5));
        provider.GetRequiredService<ReconcileLoop>().Should().BeSameAs(provider.GetRequiredService<ReconcileLoop>());
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
    }

    [Fact]
    public async Task AddAgentSessionsMonitor_InvalidOptions_StartStopsTheHostWithOneSentenceAndExitCode78()
    {
        var logger = new CollectingLogger<object>();
        using var provider = Build(o => o.HeartbeatInterval = TimeSpan.Zero, logger: logger);
        var exitCode = Environment.ExitCode;
        try
        {
            await provider.GetServices<IHostedService>().Single().StartAsync(CancellationToken.None);

            Environment.ExitCode.Should().Be(78);
        }
        finally
        {
            Environment.ExitCode = exitCode; // the test process's own
        }

        ((TestLifetime)provider.GetRequiredService<IHostApplicationLifetime>()).StopRequested.Should().BeTrue();
        var record = logger.Records.Should().ContainSingle().Subject;
        record.Level.Should().Be(LogLevel.Critical);
        record.Message.Should().StartWith("The agent-sessions monitor cannot start: ").And.Contain("MonitorOptions.HeartbeatInterval must be more than zero");
        record.Exception.Should().BeNull("one sentence, no stack trace");
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        new MonitorOptionsValidator().Validate(null, new MonitorOptions()).Succeeded.Should().BeTrue();
    }

    [Theory]
    [InlineData("HeartbeatInterval", "MonitorOptions.HeartbeatInterval must be more than zero")]
    [InlineData("RetryDelay", "MonitorOptions.RetryDelay must be more than zero")]
    [InlineData("MaxCommentChars", "MonitorOptions.MaxCommentChars must be at least 200")]
    [InlineData("StopPhrases", "MonitorOptions.StopPhrases must hold at least one phrase")]
    [InlineData("BlankPhrase", "MonitorOptions.StopPhrases must not hold an empty phrase")]
    [InlineData("HugeInterval", "MonitorOptions.HeartbeatInterval must be more than zero and at most 1.00:00:00")]
    public void Validate_BadValue_FailsNamingTheField(string field, string expected)
    {
        var o = new MonitorOptions();
        switch (field)
        {
            case "HeartbeatInterval": o.HeartbeatInterval = TimeSpan.FromSeconds(-1); break;
            case "RetryDelay": o.RetryDelay = TimeSpan.Zero; break;
            case "MaxCommentChars": o.MaxCommentChars = 10; break;
            case "StopPhrases": o.StopPhrases.Clear(); break;
            case "BlankPhrase": o.StopPhrases.Add(" "); break;
            case "HugeInterval": o.HeartbeatInterval = TimeSpan.FromDays(30); break;
        }

        var result = new MonitorOptionsValidator().Validate(null, o);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain(expected);
    }

    private sealed class OneLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
