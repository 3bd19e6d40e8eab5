using System.Runtime.InteropServices;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>Everything the CLI takes from the outside world, so tests can give their own.</summary>
internal sealed class CliEnvironment
{
    /// <summary>Gets the environment variable reader.</summary>
    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>Gets the current folder.</summary>
    public required string CurrentDirectory { get; init; }

    /// <summary>Gets standard output (UTF-8).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Gets standard error (UTF-8).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Gets the opener of standard input (<c>hook</c> reads one event from it).</summary>
    public Func<Stream> OpenInput { get; init; } = Console.OpenStandardInput;

    /// <summary>Gets a value indicating whether standard output is a terminal (colour allowed unless <c>NO_COLOR</c>).</summary>
    public bool OutputIsTerminal { get; init; }

    /// <summary>Gets the clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets the factory of library parts.</summary>
    public required ICliServicesFactory Services { get; init; }

    /// <summary>Gets the test for an existing folder.</summary>
    public Func<string, bool> DirectoryExists { get; init; } = Directory.Exists;

    /// <summary>Gets the test for an existing file.</summary>
    public Func<string, bool> FileExists { get; init; } = File.Exists;
}

/// <summary>Which signal asked the CLI to stop, set by the signal handler before it cancels.</summary>
internal sealed class StopSignal
{
    private int signal;

    /// <summary>Gets the signal received, or <see langword="null"/>.</summary>
    public PosixSignal? Received => Volatile.Read(ref signal) switch
    {
        0 => null,
        var s => (PosixSignal)(s - 1000),
    };

    /// <summary>Records <paramref name="posixSignal"/> (the first one wins).</summary>
    /// <param name="posixSignal">The signal.</param>
    public void Record(PosixSignal posixSignal) => Interlocked.CompareExchange(ref signal, (int)posixSignal + 1000, 0);
}
