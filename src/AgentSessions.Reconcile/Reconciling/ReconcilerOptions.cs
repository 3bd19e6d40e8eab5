namespace AgentSessions.Reconcile;

/// <summary>Options for a reconciler created by <see cref="Reconciler.Create"/>.</summary>
public sealed class ReconcilerOptions
{
    /// <summary>
    /// Gets or sets the workspace name: the prefix of this workspace's tmux session names and the
    /// name of its coalescing state file. When <see langword="null"/>, the registry's
    /// <c>workspace:</c> is used, and when that is absent too, the workspace root folder's name.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? WorkspaceName { get; set; }

    /// <summary>
    /// Gets or sets how long a row in an end state may still have a live tmux session (a stop in
    /// flight) before this is reported as drift E. The row is never revived either way.
    /// </summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan EndStateGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the folder of the coalescing state file (<c>&lt;workspace&gt;.state</c>). When
    /// <see langword="null"/>, <c>&lt;root&gt;/.cache/tmux-agent-orchestrate-monitor</c>. The reconciler
    /// reads no environment variable: hosts (the CLI, <c>AddAgentSessionsReconcile</c>) set this from
    /// <c>AGENT_SESSIONS_STATE_DIR</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? StateDirectory { get; set; }

    /// <summary>
    /// Gets or sets how many lines to capture from a pane when a row's visible status must be
    /// refreshed (the only time a pass captures a pane).
    /// </summary>
    /// <value>The default is 40.</value>
    public int CaptureLines { get; set; } = 40;

    /// <summary>
    /// Gets or sets a fixed time between two passes of a loop (<see cref="DriftReport.RequeueAfter"/>).
    /// When <see langword="null"/>, 30 seconds, or 60 seconds once 5 or more rows are <c>running</c>.
    /// </summary>
    /// <value>The default is <see langword="null"/>.</value>
    public TimeSpan? PollInterval { get; set; }

    /// <summary>
    /// Gets or sets how long a running row's agent may wait for its human (a permission prompt or a
    /// question) before this is reported as drift F. Limited and wedged agents are reported at once.
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan AttentionAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Reads a <see cref="PollInterval"/> as hosts take it from a command line or <c>RECONCILE_POLL_INTERVAL</c>:
    /// a whole number of seconds from 1 to 86,400 (a day).
    /// </summary>
    /// <param name="text">The text, for example <c>45</c>.</param>
    /// <returns>The interval.</returns>
    /// <exception cref="FormatException">The text is not such a number; the message says so (<c>must be a whole number of seconds from 1 to 86400, not '…'</c>).</exception>
    public static TimeSpan ParsePollInterval(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"must be a whole number of seconds from 1 to 86400, not '{text}'");

    /// <summary>Gets the name of the environment variable from which hosts take <see cref="StateDirectory"/>.</summary>
    public static string StateDirectoryEnvironmentVariable => "AGENT_SESSIONS_STATE_DIR";

    /// <summary>Checks the options.</summary>
    /// <returns>One sentence per problem; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        List<string?> problems =
        [
            EndStateGrace < TimeSpan.Zero ? $"ReconcilerOptions.EndStateGrace must not be negative (it is {EndStateGrace})." : null,
            CaptureLines is < 1 or > 10_000 ? $"ReconcilerOptions.CaptureLines must be between 1 and 10000 (it is {CaptureLines})." : null,
            WorkspaceName is { } name && (name.Length == 0 || name.AsSpan().IndexOfAny(InvalidNameChars) >= 0)
                ? $"ReconcilerOptions.WorkspaceName '{name}' must be non-empty and contain no '/', '\\', ':' or '.' characters." : null,
            PollInterval is { } interval && (interval <= TimeSpan.Zero || interval > TimeSpan.FromDays(1))
                ? $"ReconcilerOptions.PollInterval must be more than zero and at most a day (it is {interval})." : null,
            AttentionAfter < TimeSpan.Zero || AttentionAfter > TimeSpan.FromDays(1) ? $"ReconcilerOptions.AttentionAfter must be from zero to a day (it is {AttentionAfter})." : null,
            StateDirectory is { Length: 0 } ? "ReconcilerOptions.StateDirectory must be null or a folder path." : null,
        ];
        return [.. problems.OfType<string>()];
    }

    /// <summary>A copy: changing these options later does not change a running reconciler.</summary>
    internal ReconcilerOptions Copy() => (ReconcilerOptions)MemberwiseClone();

    private static readonly System.Buffers.SearchValues<char> InvalidNameChars = System.Buffers.SearchValues.Create("/\\:.\0");
}
