using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile.Tests;

/// <summary>A logger that keeps every record (level, formatted message, exception).</summary>
internal sealed class CollectingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => [.. _records];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _records.Enqueue(new LogRecord(logLevel, formatter(state, exception), exception));
}

internal sealed record LogRecord(LogLevel Level, string Message, Exception? Exception);
