using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>How one <c>hermes</c> invocation ended.</summary>
internal sealed record HermesCliOutcome(int ExitCode, string StandardOutput, string StandardError, string? StartError = null, bool TimedOut = false);

/// <summary>
/// Runs the <c>hermes</c> executable through the core's process runner: an argument list (never a
/// shell string), stdin closed, the process tree killed at the timeout, the executable looked up on
/// the PATH the child will see.
/// </summary>
internal sealed class HermesCliRunner(
    string executable,
    IReadOnlyDictionary<string, string?>? environment,
    TimeSpan timeout,
    TimeProvider timeProvider)
{
    private readonly ProcessRunner _runner = new(timeProvider);

    public async Task<HermesCliOutcome> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var childEnvironment = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal);

        // Hermes prints UTF-8; make Python agree whatever the locale.
        childEnvironment["PYTHONIOENCODING"] = "utf-8";

        var result = await _runner.RunAsync(
            new ProcessRequest(executable, arguments, timeout) { Environment = childEnvironment },
            cancellationToken).ConfigureAwait(false);

        return result.Outcome switch
        {
            ProcessOutcome.Exited => new HermesCliOutcome(result.ExitCode ?? -1, result.StandardOutput, result.StandardError),
            ProcessOutcome.TimedOut => new HermesCliOutcome(-1, result.StandardOutput, result.StandardError, TimedOut: true),
            _ => new HermesCliOutcome(-1, string.Empty, string.Empty, StartError: result.FailureReason ?? $"could not start '{executable}'"),
        };
    }
}
