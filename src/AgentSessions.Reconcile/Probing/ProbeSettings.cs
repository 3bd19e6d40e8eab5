using System.Globalization;
using System.IO.Abstractions;

namespace AgentSessions.Reconcile.Probing;

/// <summary>Validated, resolved <see cref="SessionProbeOptions"/>: a copy, so later changes to the options do not leak in.</summary>
internal sealed class ProbeSettings(SessionProbeOptions options, IFileSystem fileSystem, string home)
{
    public IFileSystem FileSystem { get; } = fileSystem;

    public string? TmuxSocketName { get; } = NullIfEmpty(options.TmuxSocketName);

    public string? TmuxSocketPath { get; } = NullIfEmpty(options.TmuxSocketPath);

    public string TmuxExecutable { get; } = options.TmuxExecutable;

    public TimeSpan TmuxTimeout { get; } = options.TmuxTimeout;

    public string HomeDirectory { get; } = home;

    public string ClaudeConfigDirectory { get; } =
        NullIfEmpty(options.ClaudeConfigDirectory) ?? NullIfEmpty(Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR")) ?? fileSystem.Path.Combine(home, ".claude");

    public int TranscriptHeadBytes { get; } = options.TranscriptHeadBytes;

    /// <summary>Gets whether attention is observed, and the wedged threshold.</summary>
    public bool ObserveAttention { get; } = options.ObserveAttention;

    public TimeSpan WedgedAfter { get; } = options.WedgedAfter;

    /// <summary>Gets where processes are looked up (<c>/proc</c>).</summary>
    public string ProcDirectory { get; } = "/proc";

    /// <summary>
    /// Gets the socket tmux is asked on: the <c>-S</c> path, or <c>$TMUX_TMPDIR</c> (else <c>/tmp</c>)<c>/tmux-&lt;uid&gt;/&lt;name or default&gt;</c>;
    /// absolute, symbolic links resolved, so two spellings of one server compare equal.
    /// </summary>
    public string TmuxSocket { get; } = RealPath.Resolve(fileSystem, NullIfEmpty(options.TmuxSocketPath) ?? fileSystem.Path.Combine(
        NullIfEmpty(Environment.GetEnvironmentVariable("TMUX_TMPDIR")) ?? "/tmp",
        "tmux-" + Yaml.NativeMethods.GetEuid().ToString(CultureInfo.InvariantCulture),
        NullIfEmpty(options.TmuxSocketName) ?? "default"));

    public static ProbeSettings From(SessionProbeOptions options, IFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fileSystem);
        if (options.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var home = NullIfEmpty(options.HomeDirectory) ?? NullIfEmpty(Environment.GetEnvironmentVariable("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new ProbeSettings(options, fileSystem, home);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
