using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile;

/// <summary>
/// A hosted service that builds what it runs when the host starts it, which validates the options of
/// everything it uses. Options that do not validate stop the host politely: one critical log line
/// saying what to set (<c>The … cannot start: …</c>) and exit code <see cref="InvalidOptionsExitCode"/>,
/// instead of an exception out of the host's <c>RunAsync</c>. Without an <see cref="IHostApplicationLifetime"/>
/// (a bare service provider) the validation exception is thrown. The hosted monitor and the MQTT trigger
/// derive from it; so can a trigger of your own (docs/architecture.md).
/// </summary>
public abstract partial class CheckedBackgroundService : BackgroundService
{
    /// <summary>The process exit code when the options do not validate: 78, <c>EX_CONFIG</c> of sysexits.h.</summary>
    public const int InvalidOptionsExitCode = 78;

    private readonly string _name;

    /// <summary>Initializes a new instance of the <see cref="CheckedBackgroundService"/> class.</summary>
    /// <param name="services">The container the service builds from when it starts.</param>
    /// <param name="name">What the critical line calls the service (<c>the agent-sessions monitor</c>).</param>
    protected CheckedBackgroundService(IServiceProvider services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Services = services;
        _name = name;
    }

    /// <summary>Gets the container the service builds from.</summary>
    protected IServiceProvider Services { get; }

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var lifetime = Services.GetService<IHostApplicationLifetime>();
        try
        {
            Build();
        }
        catch (OptionsValidationException e) when (lifetime is not null)
        {
            var logger = (Services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(GetType());
            LogInvalidOptions(logger, char.ToUpperInvariant(_name[0]) + _name[1..], e.Message);
            Environment.ExitCode = InvalidOptionsExitCode;
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        return base.StartAsync(cancellationToken);
    }

    /// <summary>Builds what the service runs from <see cref="Services"/>, resolving (and so validating) every option it uses.</summary>
    /// <exception cref="OptionsValidationException">Options do not validate.</exception>
    protected abstract void Build();

    [LoggerMessage(13, LogLevel.Critical, "{Service} cannot start: {Problems}")]
    private static partial void LogInvalidOptions(ILogger logger, string service, string problems);
}
