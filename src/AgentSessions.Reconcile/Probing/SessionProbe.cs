using System.IO.Abstractions;
using AgentSessions.Reconcile.Attention;
using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;
using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile;

/// <summary>Creates the default <see cref="ISessionProbe"/>.</summary>
public static class SessionProbe
{
    /// <summary>Creates a probe of tmux, Claude Code transcripts and agy conversations.</summary>
    /// <param name="options">Where to look.</param>
    /// <param name="fileSystem">The file system to read; <see langword="null"/> for the real one.</param>
    /// <param name="timeProvider">The clock for timeouts; <see langword="null"/> for the system clock.</param>
    /// <returns>The probe.</returns>
    /// <exception cref="ArgumentException">The options are inconsistent (both a socket name and a socket path, a non-positive timeout or head size).</exception>
    public static ISessionProbe Create(SessionProbeOptions options, IFileSystem? fileSystem = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = ProbeSettings.From(options, fileSystem ?? new FileSystem());
        var time = timeProvider ?? TimeProvider.System;
        var tmux = new TmuxSessionProbe(settings, new ProcessRunner(time));
        return new CompositeSessionProbe(tmux, Sources(settings, tmux, time), DriftRules.Default);
    }

    /// <summary>The registered sources besides tmux, in the order they observe: one line per source.</summary>
    internal static IReadOnlyList<ILiveSource> Sources(ProbeSettings settings, TmuxSessionProbe tmux, TimeProvider time) =>
    [
        new ClaudeTranscriptProbe(settings),
        new AgyConversationProbe(settings),
        new RegistryRoots(settings.FileSystem),
        new PaneProcesses(settings),
        .. settings.ObserveAttention
            ? [new AttentionSource(new AttentionProbe(settings.ClaudeConfigDirectory, time, settings.WedgedAfter, settings.ProcDirectory), tmux)]
            : Array.Empty<ILiveSource>(),
    ];
}
