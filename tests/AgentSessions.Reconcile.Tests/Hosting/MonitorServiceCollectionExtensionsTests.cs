using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Tests.Hosting;

public sealed class MonitorServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Action<MonitorOptions> configure, int calls = 1)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
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

        provider.GetServices<IHostedService>().Should().ContainSingle().Which.Should().BeOfType<MonitorWorker>();
        provider.GetRequiredService<IOptions<MonitorOptions>>().Value.HeartbeatInterval.Should().Be(TimeSpan.FromSeconds(5));
        provider.GetRequiredService<ReconcileLoop>().Should().BeSameAs(provider.GetRequiredService<ReconcileLoop>());
        provider.GetRequiredService<TimeProvider>().Should().BeSameAs(TimeProvider.System);
    }

    [Fact]
    public void AddAgentSessionsMonitor_InvalidOptions_FailsAtStartValidation()
    {
        using var provider = Build(o => o.HeartbeatInterval = TimeSpan.Zero);

        var validate = () => provider.GetRequiredService<IStartupValidator>().Validate();

        validate.Should().Throw<OptionsValidationException>().WithMessage("*MonitorOptions.HeartbeatInterval must be more than zero*");
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
}
