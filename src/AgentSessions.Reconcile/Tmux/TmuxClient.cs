using System.Globalization;
using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile;

/// <summary>
/// One tmux server, named explicitly (<c>-L NAME</c>, <c>-S PATH</c> or the default socket; never the
/// server <c>$TMUX</c> points at), and every tmux command line this library runs on it: the probe's
/// <c>list-panes</c> and <c>capture-pane</c>, <c>kill-session</c> (<c>--kill-on-terminal</c>), and what a
/// throwaway server needs (<c>new-session</c>, <c>display-message</c>, <c>kill-server</c>). Each command is
/// one process, from an argument list, with a timeout. Never throws for a tmux that is missing, fails or
/// hangs: the result says so. Only cancellation throws.
/// </summary>
public sealed class TmuxClient
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly ProcessRunner _runner;
    private readonly string _executable;
    private readonly TimeSpan _timeout;
    private readonly string[] _server;
    private readonly Dictionary<string, string?> _environment;

    /// <summary>Initializes a new instance of the <see cref="TmuxClient"/> class.</summary>
    /// <param name="socketName">The socket name (<c>tmux -L</c>), or <see langword="null"/>.</param>
    /// <param name="socketPath">The socket path (<c>tmux -S</c>), or <see langword="null"/>; not with <paramref name="socketName"/>.</param>
    /// <exception cref="ArgumentException">Both a socket name and a socket path are given.</exception>
    public TmuxClient(string? socketName = null, string? socketPath = null)
        : this(new ProcessRunner(), "tmux", DefaultTimeout, socketName, socketPath, null)
    {
    }

    internal TmuxClient(
        ProcessRunner runner, string executable, TimeSpan timeout, string? socketName, string? socketPath, IReadOnlyDictionary<string, string?>? extraEnvironment)
    {
        if (SocketProblem(socketName, socketPath) is { } problem)
        {
            throw new ArgumentException(problem, nameof(socketPath));
        }

        _runner = runner;
        _executable = executable;
        _timeout = timeout;
        // -u: without it, a client whose locale is not UTF-8 (a service, cron) gets every TAB and non-ASCII byte as '_'.
        _server = !string.IsNullOrEmpty(socketName) ? ["-u", "-L", socketName] : !string.IsNullOrEmpty(socketPath) ? ["-u", "-S", socketPath] : ["-u"];
        _environment = new(extraEnvironment ?? new Dictionary<string, string?>(), StringComparer.Ordinal);

        // Inside tmux, $TMUX picks the server: never let it choose for us, whatever else is set.
        _environment["TMUX"] = null;
        _environment["TMUX_PANE"] = null;
    }

    /// <summary>
    /// The one rule for choosing a server: a socket name or a socket path, not both (an empty one counts as not given).
    /// </summary>
    /// <param name="socketName">The socket name (<c>tmux -L</c>), or <see langword="null"/>.</param>
    /// <param name="socketPath">The socket path (<c>tmux -S</c>), or <see langword="null"/>.</param>
    /// <returns>The problem in one sentence, or <see langword="null"/> when the choice is fine.</returns>
    public static string? SocketProblem(string? socketName, string? socketPath) =>
        !string.IsNullOrEmpty(socketName) && !string.IsNullOrEmpty(socketPath) ? "Give a tmux socket name or a socket path, not both." : null;

    /// <summary>Ends a session (<c>kill-session -t =NAME</c>: the exact name, never a prefix match).</summary>
    /// <param name="session">The session name.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What tmux said.</returns>
    public Task<TmuxResult> KillSessionAsync(string session, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(session);
        return RunAsync(["kill-session", "-t", "=" + session], cancellationToken);
    }

    /// <summary>
    /// Starts a detached session whose pane runs <paramref name="command"/> in <paramref name="workingDirectory"/>.
    /// A server this starts reads no configuration file (<c>-f /dev/null</c>): a private server for demos and tests.
    /// </summary>
    /// <param name="session">The session name.</param>
    /// <param name="workingDirectory">The pane's folder.</param>
    /// <param name="command">The pane's command and its arguments.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What tmux said.</returns>
    public Task<TmuxResult> NewSessionAsync(string session, string workingDirectory, IReadOnlyList<string> command, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(session);
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        ArgumentNullException.ThrowIfNull(command);
        return RunAsync(["-f", "/dev/null", "new-session", "-d", "-s", session, "-c", workingDirectory, .. command], cancellationToken);
    }

    /// <summary>
    /// Prints <paramref name="format"/> for a session's active pane (<c>display-message -p -t =NAME: FORMAT</c>).
    /// tmux answers for another session when this one is gone: not a liveness check.
    /// </summary>
    /// <param name="session">The session name.</param>
    /// <param name="format">The tmux format, for example <c>#{pane_pid}</c>.</param>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What tmux said; <see cref="TmuxResult.Output"/> holds the expanded format.</returns>
    public Task<TmuxResult> DisplayAsync(string session, string format, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(session);
        ArgumentNullException.ThrowIfNull(format);
        return RunAsync(["display-message", "-p", "-t", "=" + session + ":", format], cancellationToken);
    }

    /// <summary>Ends the server and every session on it (<c>kill-server</c>).</summary>
    /// <param name="cancellationToken">A token to cancel.</param>
    /// <returns>What tmux said.</returns>
    public Task<TmuxResult> KillServerAsync(CancellationToken cancellationToken = default) => RunAsync(["kill-server"], cancellationToken);

    /// <summary>Every pane of every session, in <paramref name="format"/> (<c>list-panes -a -F</c>): the probe's one call per pass.</summary>
    internal Task<ProcessResult> ListPanesAsync(string format, CancellationToken cancellationToken) =>
        RunProcessAsync(["list-panes", "-a", "-F", format], cancellationToken);

    /// <summary>The last <paramref name="lines"/> lines of a session's pane, wrapped lines joined (<c>capture-pane -p -J</c>).</summary>
    internal Task<ProcessResult> CapturePaneAsync(string session, int lines, CancellationToken cancellationToken) =>
        RunProcessAsync(["capture-pane", "-p", "-J", "-t", "=" + session + ":", "-S", "-" + lines.ToString(CultureInfo.InvariantCulture)], cancellationToken);

    /// <summary>
    /// Reads the bottom <paramref name="lines"/> lines of each session's active pane in one tmux process: a command
    /// sequence (<c>;</c> as its own argument) of <c>capture-pane</c>, each followed by <c>display-message -p MARKER</c>.
    /// tmux stops the sequence at the first command that fails (a session gone): the panes after it are not read.
    /// </summary>
    internal Task<ProcessResult> CapturePanesAsync(IReadOnlyList<string> sessions, int lines, string marker, CancellationToken cancellationToken)
    {
        var command = new List<string>(sessions.Count * 12);
        foreach (var session in sessions)
        {
            if (command.Count > 0)
            {
                command.Add(";");
            }

            command.AddRange(["capture-pane", "-p", "-J", "-t", "=" + session + ":", "-S", "-" + lines.ToString(CultureInfo.InvariantCulture), ";", "display-message", "-p", marker]);
        }

        return RunProcessAsync(command, cancellationToken);
    }

    private async Task<TmuxResult> RunAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var result = await RunProcessAsync(command, cancellationToken).ConfigureAwait(false);
        return new TmuxResult(
            result.Succeeded,
            result.Outcome == ProcessOutcome.NotFound,
            result.StandardOutput,
            result.Succeeded ? null : (result.FailureReason ?? $"tmux {command[0]} exited with code {result.ExitCode}: {result.StandardError.Trim()}"));
    }

    private Task<ProcessResult> RunProcessAsync(IReadOnlyList<string> command, CancellationToken cancellationToken) =>
        _runner.RunAsync(new ProcessRequest(_executable, [.. _server, .. command], _timeout) { Environment = _environment }, cancellationToken);
}

/// <summary>What one tmux command did.</summary>
/// <param name="succeeded">Whether tmux ran and exited with code 0.</param>
/// <param name="notInstalled">Whether tmux was not found on <c>PATH</c>.</param>
/// <param name="output">What tmux printed on standard output.</param>
/// <param name="problem">Why it did not succeed, in one line, or <see langword="null"/>.</param>
public sealed class TmuxResult(bool succeeded, bool notInstalled, string output, string? problem)
{
    /// <summary>Gets a value indicating whether tmux ran and exited with code 0.</summary>
    public bool Succeeded { get; } = succeeded;

    /// <summary>Gets a value indicating whether tmux was not found on <c>PATH</c>.</summary>
    public bool NotInstalled { get; } = notInstalled;

    /// <summary>Gets what tmux printed on standard output.</summary>
    public string Output { get; } = output;

    /// <summary>Gets why it did not succeed, in one line, or <see langword="null"/>.</summary>
    public string? Problem { get; } = problem;
}
