using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>Keeps every log line written at or above <see cref="MinimumLevel"/>.</summary>
internal sealed class CollectingLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, string Message)> _lines = [];

    public LogLevel MinimumLevel { get; init; } = LogLevel.Trace;

    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
