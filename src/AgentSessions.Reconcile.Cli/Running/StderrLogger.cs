using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>
/// The <c>reconcile --subscribe</c> monitor's log: its warnings and errors as one
/// <c>agent-sessions: warning: …</c> line each on stderr. The library decides what is worth a line
/// and how often (a dropped event once per reason and job, never a token, signature or payload).
/// The broker's retries are left out: the run says the broker's state once each (<c>OnBrokerStatus</c>).
/// </summary>
internal sealed class StderrLogger(TextWriter error) : ILoggerFactory, ILogger
{
    /// <summary>BrokerConnection's "Not connected to the MQTT broker …; retrying" (one per retry).</summary>
    private const int BrokerRetryEventId = 11;

    private readonly Lock _gate = new();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The CLI's stderr log takes no providers.");

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel) || eventId.Id == BrokerRetryEventId)
        {
            return;
        }

        var line = "agent-sessions: " + (logLevel >= LogLevel.Error ? "error: " : "warning: ") + formatter(state, exception);
        lock (_gate)
        {
            error.WriteLine(line);
        }
    }

    public void Dispose()
    {
    }
}
