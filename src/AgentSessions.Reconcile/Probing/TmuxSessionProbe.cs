using System.Globalization;
using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// Asks one tmux server, named explicitly, for every pane with a single <c>list-panes -a</c>
/// per pass. Failures are classified by exit code and stderr: "no server" is zero sessions,
/// anything else is unknown.
/// </summary>
internal sealed class TmuxSessionProbe(ProbeSettings settings, ProcessRunner runner, IReadOnlyDictionary<string, string?>? extraEnvironment = null)
{
    /// <summary>The most lines <see cref="CapturePaneAsync"/> asks for.</summary>
    public const int MaxCaptureLines = 10_000;

    private readonly TmuxClient tmux = new(runner, settings.TmuxExecutable, settings.TmuxTimeout, settings.TmuxSocketName, settings.TmuxSocketPath, extraEnvironment);

    public async Task<TmuxState> ProbeAsync(CancellationToken cancellationToken)
    {
        var sentinel = TmuxListPanesParser.NewSentinel();
        var result = await tmux.ListPanesAsync(TmuxListPanesParser.Format(sentinel), cancellationToken).ConfigureAwait(false);
        if (Classify(result) is { } failure)
        {
            return failure.WithSocket(settings.TmuxSocket);
        }

        var sessions = TmuxListPanesParser.Parse(result.StandardOutput, sentinel, out var error);
        return sessions is null
            ? TmuxState.Unknown($"tmux list-panes printed output that could not be parsed: {error}", settings.TmuxSocket)
            : TmuxState.Known(sessions, settings.TmuxSocket);
    }

    public async Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sessionName);
        ArgumentOutOfRangeException.ThrowIfLessThan(lines, 1);
        if (sessionName.Length == 0 || sessionName.Contains(':', StringComparison.Ordinal) || sessionName.Contains('.', StringComparison.Ordinal))
        {
            // tmux stores '.' and ':' as '_': a name holding them cannot exist, and would mis-target.
            return new PaneCapture(false, null, $"'{sessionName}' is not a session name tmux can hold.");
        }

        var count = Math.Min(lines, MaxCaptureLines);
        var result = await tmux.CapturePaneAsync(sessionName, count, cancellationToken).ConfigureAwait(false);
        return result.Outcome != ProcessOutcome.Exited ? new PaneCapture(false, null, result.FailureReason)
            : result.ExitCode != 0 ? new PaneCapture(false, null, $"tmux capture-pane exited with code {result.ExitCode}: {FirstLine(result.StandardError)}")
            : new PaneCapture(true, LastLines(result.StandardOutput, count), null);
    }

    /// <summary>Returns <see langword="null"/> for output to parse, or the state the failure means.</summary>
    internal static TmuxState? Classify(ProcessResult result)
    {
        switch (result.Outcome)
        {
            case ProcessOutcome.NotFound:
                return TmuxState.Unknown($"tmux is not installed or not on PATH ({result.FailureReason})");
            case ProcessOutcome.TimedOut:
                return TmuxState.Unknown($"tmux timed out: {result.FailureReason}");
            case ProcessOutcome.StartFailed:
                return TmuxState.Unknown($"tmux could not be started: {result.FailureReason}");
        }

        if (result.ExitCode == 0)
        {
            return null;
        }

        var stderr = result.StandardError;
        var firstLine = FirstLine(stderr);
        if (stderr.Contains("Permission denied", StringComparison.Ordinal))
        {
            return TmuxState.Unknown($"tmux was refused access to the server: {firstLine}");
        }

        if (stderr.Contains("protocol version mismatch", StringComparison.Ordinal))
        {
            return TmuxState.Unknown($"the tmux client and server versions differ: {firstLine}");
        }

        // The server exits with its last session, so "no server" is a real state: zero sessions.
        // A stale socket file (or a plain file) is reported by tmux 3.3a as "no server running on";
        // other builds print "error connecting to … (Connection refused)": same meaning.
        if (stderr.StartsWith("no server running on ", StringComparison.Ordinal)
            || (stderr.StartsWith("error connecting to ", StringComparison.Ordinal)
                && (stderr.Contains("(No such file or directory)", StringComparison.Ordinal)
                    || stderr.Contains("(Connection refused)", StringComparison.Ordinal))))
        {
            return TmuxState.NoServer();
        }

        return TmuxState.Unknown(string.Create(
            CultureInfo.InvariantCulture,
            $"tmux exited with code {result.ExitCode}: {(firstLine.Length == 0 ? "(no message)" : firstLine)}"));
    }

    private static string FirstLine(string text)
    {
        var trimmed = text.Trim();
        var end = trimmed.IndexOf('\n', StringComparison.Ordinal);
        return end < 0 ? trimmed : trimmed[..end].TrimEnd();
    }

    private static string LastLines(string text, int count) => string.Join('\n', text.TrimEnd('\n').Split('\n').TakeLast(count));
}
