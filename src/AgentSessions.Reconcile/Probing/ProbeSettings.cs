using System.IO.Abstractions;

namespace AgentSessions.Reconcile.Probing;

/// <summary>Validated, resolved <see cref="SessionProbeOptions"/>: a copy, so later changes to the options do not leak in.</summary>
internal sealed class ProbeSettings
{
    private ProbeSettings(IFileSystem fileSystem)
    {
        FileSystem = fileSystem;
    }

    public IFileSystem FileSystem { get; }

    public string? TmuxSocketName { get; private init; }

    public string? TmuxSocketPath { get; private init; }

    public string TmuxExecutable { get; private init; } = "tmux";

    public TimeSpan TmuxTimeout { get; private init; }

    public string HomeDirectory { get; private init; } = "/";

    public string ClaudeConfigDirectory { get; private init; } = "/";

    public int TranscriptHeadBytes { get; private init; }

    /// <summary>Gets whether attention is observed, and the wedged threshold.</summary>
    public bool ObserveAttention { get; private init; }

    public TimeSpan WedgedAfter { get; private init; }

    /// <summary>Gets where processes are looked up (<c>/proc</c>).</summary>
    public string ProcDirectory { get; init; } = "/proc";

    /// <summary>
    /// Gets the socket tmux is asked on: the <c>-S</c> path, or <c>$TMUX_TMPDIR</c> (else <c>/tmp</c>)<c>/tmux-&lt;uid&gt;/&lt;name or default&gt;</c>;
    /// absolute, symbolic links resolved, so two spellings of one server compare equal.
    /// </summary>
    public string TmuxSocket { get; private init; } = string.Empty;

    public static ProbeSettings From(SessionProbeOptions options, IFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fileSystem);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var home = !string.IsNullOrEmpty(options.HomeDirectory)
            ? options.HomeDirectory
            : Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h
                ? h
                : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var claude = !string.IsNullOrEmpty(options.ClaudeConfigDirectory)
            ? options.ClaudeConfigDirectory
            : Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR") is { Length: > 0 } c
                ? c
                : fileSystem.Path.Combine(home, ".claude");

        return new ProbeSettings(fileSystem)
        {
            TmuxSocketName = string.IsNullOrEmpty(options.TmuxSocketName) ? null : options.TmuxSocketName,
            TmuxSocketPath = string.IsNullOrEmpty(options.TmuxSocketPath) ? null : options.TmuxSocketPath,
            TmuxExecutable = options.TmuxExecutable,
            TmuxTimeout = options.TmuxTimeout,
            HomeDirectory = home,
            ClaudeConfigDirectory = claude,
            TranscriptHeadBytes = options.TranscriptHeadBytes,
            ObserveAttention = options.ObserveAttention,
            WedgedAfter = options.WedgedAfter,
            TmuxSocket = RealPath.Resolve(fileSystem, !string.IsNullOrEmpty(options.TmuxSocketPath)
                ? options.TmuxSocketPath
                : fileSystem.Path.Combine(
                    Environment.GetEnvironmentVariable("TMUX_TMPDIR") is { Length: > 0 } tmp ? tmp : "/tmp",
                    "tmux-" + Yaml.NativeMethods.GetEuid().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    string.IsNullOrEmpty(options.TmuxSocketName) ? "default" : options.TmuxSocketName)),
        };
    }
}
