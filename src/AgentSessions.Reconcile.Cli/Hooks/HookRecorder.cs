using System.Globalization;
using AgentSessions.Reconcile.Attention;

namespace AgentSessions.Reconcile.Cli.Hooks;

/// <summary>
/// <c>agent-sessions hook</c>: reads one Claude Code hook event on stdin and records the session's
/// latest state in its workspace's cache folder (<see cref="HookRecord"/>). It can never block the
/// agent: it always exits 0, reads a bounded amount, and says what went wrong in one stderr line.
/// </summary>
internal sealed class HookRecorder(TimeProvider time, string procDirectory = "/proc")
{
    /// <summary>The largest event read (a <c>PreToolUse</c> of <c>Write</c> carries the whole file).</summary>
    public const int MaxInputBytes = 1024 * 1024;

    private const int MaxDrainBytes = 64 * 1024 * 1024;
    private static readonly string[] Shells = ["sh", "bash", "dash", "zsh", "fish", "ksh"];

    /// <summary>Records the event on <paramref name="input"/>; the outcome for the caller's tests, always exit code 0 for the process.</summary>
    public HookRecord? Run(Stream input, TextWriter error)
    {
        try
        {
            return Record(input, error);
        }
#pragma warning disable CA1031 // The hook must never fail the agent's turn: every trouble is one line and exit 0.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error.WriteLine($"agent-sessions hook: nothing recorded: {e.Message}");
            return null;
        }
    }

    private HookRecord? Record(Stream input, TextWriter error)
    {
        var buffer = new byte[MaxInputBytes + 1];
        var filled = input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (filled > MaxInputBytes)
        {
            var total = filled + Drain(input);
            error.WriteLine($"agent-sessions hook: the event on stdin is larger than {MaxInputBytes / 1024} KiB ({total.ToString(CultureInfo.InvariantCulture)}+ bytes); nothing recorded");
            return null;
        }

        ClaudeHookEvent hook;
        try
        {
            hook = ClaudeHookEvent.Parse(buffer.AsMemory(0, filled));
        }
        catch (FormatException e)
        {
            error.WriteLine($"agent-sessions hook: {e.Message}; nothing recorded");
            return null;
        }

        if (!HookRecord.IsSafeSessionId(hook.SessionId))
        {
            error.WriteLine($"agent-sessions hook: 'session_id' is not a session id (1-128 of A-Z a-z 0-9 - _): '{Cut(hook.SessionId)}'; nothing recorded");
            return null;
        }

        if (hook.Meaning() is not { } meaning)
        {
            return null; // An event that changes no state (auth_success, SubagentStop, …): nothing to say.
        }

        if (string.IsNullOrEmpty(hook.Cwd) || !Path.IsPathFullyQualified(hook.Cwd) || RegistryStore.FindWorkspaceRoot(hook.Cwd) is not { } root)
        {
            error.WriteLine($"agent-sessions hook: no workspace (.hermes/agent-sessions.yaml) at or above 'cwd' {Cut(hook.Cwd ?? "(none)")}; nothing recorded");
            return null;
        }

        var directory = HookRecord.DirectoryFor(root);
        var now = time.GetUtcNow();
        var previous = HookRecord.TryRead(Path.Combine(directory, hook.SessionId + ".json"));
        var agentPid = AgentPid();
        var (state, reason, tool) = meaning;
        var same = previous is not null && previous.State == state && previous.Reason == reason && previous.Event != "SessionEnd";
        var record = new HookRecord
        {
            SessionId = hook.SessionId,
            Event = hook.EventName,
            State = state,
            Reason = reason,

            // A permission prompt names its tool only in the message; the PreToolUse just before it names it exactly.
            Tool = tool ?? (state == "waiting" && previous?.State == "working" ? previous.Tool : null),
            Message = hook.Message,
            At = now,
            Since = same ? previous!.Since : now,
            Cwd = hook.Cwd,
            TranscriptPath = hook.TranscriptPath,
            AgentPid = agentPid,
            PreviousSessionId = hook.IsClear ? PreviousOf(directory, hook.SessionId, agentPid, hook.TranscriptPath) : previous?.PreviousSessionId,
        };
        record.Write(directory);
        return record;
    }

    /// <summary>The session this one follows after <c>/clear</c>: the newest other record of the same agent process, else of the same transcript folder.</summary>
    private static string? PreviousOf(string directory, string sessionId, long? agentPid, string? transcriptPath)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var folder = transcriptPath is null ? null : Path.GetDirectoryName(transcriptPath);
        return Directory.EnumerateFiles(directory, "*.json").Select(HookRecord.TryRead).OfType<HookRecord>()
            .Where(r => r.SessionId != sessionId && r.State != "ended"
                && (agentPid is not null ? r.AgentPid == agentPid : folder is not null && r.TranscriptPath is { } t && Path.GetDirectoryName(t) == folder))
            .MaxBy(r => r.At)?.SessionId;
    }

    /// <summary>The agent that ran this hook: the nearest ancestor that is not a shell (Claude Code runs a command hook through one).</summary>
    private long? AgentPid()
    {
        if (ProcStat.Read(procDirectory, "self") is not { } self)
        {
            return null;
        }

        var pid = self.ParentPid;
        for (var depth = 0; depth < 8 && pid > 1; depth++)
        {
            if (ProcStat.Read(procDirectory, pid.ToString(CultureInfo.InvariantCulture)) is not { } stat)
            {
                return null;
            }

            if (!Shells.Contains(stat.Comm, StringComparer.Ordinal))
            {
                return pid;
            }

            pid = stat.ParentPid;
        }

        return null;
    }

    // Read the rest so the agent's write to our stdin does not fail; bounded, so a stream that never ends cannot hold us.
    private static long Drain(Stream input)
    {
        var sink = new byte[81920];
        long total = 0;
        int read;
        while (total < MaxDrainBytes && (read = input.Read(sink, 0, sink.Length)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static string Cut(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
