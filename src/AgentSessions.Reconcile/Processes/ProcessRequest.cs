namespace AgentSessions.Reconcile.Processes;

/// <summary>One process to run (by <see cref="ProcessRunner"/>).</summary>
internal sealed record ProcessRequest(string FileName, IReadOnlyList<string> Arguments, TimeSpan Timeout)
{
    /// <summary>
    /// Gets the environment changes for the child: a <see langword="null"/> value removes the
    /// variable. A <c>PATH</c> entry here is also the one used to find <see cref="FileName"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } =
        new Dictionary<string, string?>(StringComparer.Ordinal);

    /// <summary>Gets the most characters kept of standard output (the rest is read and dropped).</summary>
    public int MaxOutputChars { get; init; } = 16 * 1024 * 1024;
}

/// <summary>How a process run ended.</summary>
internal enum ProcessOutcome
{
    /// <summary>The process ran and exited; see the exit code.</summary>
    Exited,

    /// <summary>The process did not exit within the timeout and its tree was killed.</summary>
    TimedOut,

    /// <summary>The executable was not found.</summary>
    NotFound,

    /// <summary>The process could not be started (permission denied, bad format …).</summary>
    StartFailed,
}

/// <summary>What a process run produced.</summary>
internal sealed record ProcessResult(
    ProcessOutcome Outcome,
    int? ExitCode,
    string StandardOutput,
    string StandardError,
    string? FailureReason)
{
    public bool Succeeded => Outcome == ProcessOutcome.Exited && ExitCode == 0;

    public static ProcessResult NotFound(string fileName) =>
        new(ProcessOutcome.NotFound, null, string.Empty, string.Empty, $"The executable '{fileName}' was not found.");

    public static ProcessResult StartFailed(string fileName, string reason) =>
        new(ProcessOutcome.StartFailed, null, string.Empty, string.Empty, $"The executable '{fileName}' could not be started: {reason}");

    public static ProcessResult TimedOut(string fileName, TimeSpan timeout, string stdout, string stderr) =>
        new(ProcessOutcome.TimedOut, null, stdout, stderr, $"'{fileName}' did not finish within {timeout.TotalMilliseconds:0} ms and was killed.");
}
