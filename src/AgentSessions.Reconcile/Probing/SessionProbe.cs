using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;

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
        return new CompositeSessionProbe(
            new TmuxSessionProbe(settings, new ProcessRunner(time)),
            new ClaudeTranscriptProbe(settings),
            new AgyConversationProbe(settings),
            settings)
        {
            Attention = settings.ObserveAttention ? new Attention.AttentionProbe(settings.ClaudeConfigDirectory, time, settings.WedgedAfter, settings.ProcDirectory) : null,
        };
    }
}
