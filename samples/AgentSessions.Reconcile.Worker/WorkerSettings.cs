/// <summary>
/// The worker's settings, from the command line first, then the environment:
/// <c>--workspace DIR</c> (<c>AGENT_SESSIONS_WORKSPACE</c>; default: search up from the current folder),
/// <c>--tmux-socket NAME</c> (<c>AGENT_SESSIONS_TMUX_SOCKET</c>), <c>--tmux-socket-path PATH</c>
/// (<c>AGENT_SESSIONS_TMUX_SOCKET_PATH</c>), <c>--interval SECONDS</c> (<c>RECONCILE_POLL_INTERVAL</c>,
/// as the CLI; an explicit interval is fixed, else 30 s or 60 s at 5+ running sessions),
/// <c>--heartbeat-interval SECONDS</c> (<c>AGENT_SESSIONS_HEARTBEAT_INTERVAL</c>; default 300),
/// <c>--gateway sqlite|cli|jsonl</c> (<c>AGENT_SESSIONS_GATEWAY</c>; default sqlite when
/// <c>HERMES_KANBAN_TASK</c> is set, else jsonl), <c>--broker URL</c> (<c>AGENT_SESSIONS_BROKER</c>; push
/// monitoring over MQTT when set, with <c>AGENT_SESSIONS_BROKER_CA</c>, <c>_USERNAME</c>, <c>_PASSWORD</c>, docs/mqtt.md).
/// </summary>
internal sealed record WorkerSettings(
    string Workspace, string? TmuxSocket, string? TmuxSocketPath, TimeSpan? Interval, TimeSpan? HeartbeatInterval, string Gateway, string? Broker)
{
    private static readonly Dictionary<string, string> Variables = new(StringComparer.Ordinal)
    {
        ["--workspace"] = "AGENT_SESSIONS_WORKSPACE",
        ["--tmux-socket"] = "AGENT_SESSIONS_TMUX_SOCKET",
        ["--tmux-socket-path"] = "AGENT_SESSIONS_TMUX_SOCKET_PATH",
        ["--interval"] = "RECONCILE_POLL_INTERVAL",
        ["--heartbeat-interval"] = "AGENT_SESSIONS_HEARTBEAT_INTERVAL",
        ["--gateway"] = "AGENT_SESSIONS_GATEWAY",
        ["--broker"] = "AGENT_SESSIONS_BROKER",
    };

    /// <summary>The text <c>--help</c> prints.</summary>
    public const string Usage = """
        Usage: agent-sessions-worker [options]

        The goal-mode monitor of a workspace's agent sessions: a reconcile pass every interval, new
        drifts as one comment on the Hermes card, a heartbeat, and a block and exit 0 when a person
        comments "stop" on the card. Logs go to stderr.

        Options (command line first, then the environment variable):
          --workspace DIR               AGENT_SESSIONS_WORKSPACE; default: search up from the current
                                        folder for .hermes/agent-sessions.yaml
          --tmux-socket NAME            AGENT_SESSIONS_TMUX_SOCKET (tmux -L NAME)
          --tmux-socket-path PATH       AGENT_SESSIONS_TMUX_SOCKET_PATH (tmux -S PATH)
          --interval SECONDS            RECONCILE_POLL_INTERVAL; default 30, 60 at 5+ running sessions
          --heartbeat-interval SECONDS  AGENT_SESSIONS_HEARTBEAT_INTERVAL; default 300
          --gateway sqlite|cli|jsonl    AGENT_SESSIONS_GATEWAY; default sqlite when HERMES_KANBAN_TASK
                                        is set, else jsonl (the card as JSON lines on stdout/stdin)
          --broker URL                  AGENT_SESSIONS_BROKER; push monitoring over MQTT
          -h, --help                    print this text

        Exit codes: 0 stopped (a "stop" comment, or the task no longer runs), 2 a bad option,
        78 a setting is missing or invalid (the log line says which, e.g. HERMES_KANBAN_TASK).
        """;

    /// <summary>Reads the settings; throws <see cref="ArgumentException"/> with a sentence for the user on bad input.</summary>
    public static WorkerSettings Read(string[] args, Func<string, string?> environment, Func<string, string?> findWorkspace)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var (flag, inline) = args[i].Split('=', 2) is [var f, var v] ? (f, v) : (args[i], null);
            if (!Variables.ContainsKey(flag))
            {
                throw new ArgumentException($"unknown option '{args[i]}' (known: {string.Join(", ", Variables.Keys)})");
            }

            values[flag] = inline ?? (i + 1 < args.Length ? args[++i] : throw new ArgumentException($"'{flag}' needs a value"));
        }

        string? Get(string flag) =>
            values.TryGetValue(flag, out var v) ? v : environment(Variables[flag]) is { Length: > 0 } e ? e : null;

        var cwd = Directory.GetCurrentDirectory();
        var workspace = Get("--workspace") is { } w ? Path.GetFullPath(w)
            : findWorkspace(cwd) ?? throw new ArgumentException($"no .hermes/agent-sessions.yaml in '{cwd}' or above; pass --workspace DIR");
        if (AgentSessions.Reconcile.TmuxClient.SocketProblem(Get("--tmux-socket"), Get("--tmux-socket-path")) is not null)
        {
            throw new ArgumentException("give '--tmux-socket' or '--tmux-socket-path', not both");
        }

        var gateway = Get("--gateway") ?? (environment("HERMES_KANBAN_TASK") is { Length: > 0 } ? "sqlite" : "jsonl");
        if (gateway is not ("sqlite" or "cli" or "jsonl"))
        {
            throw new ArgumentException($"'--gateway' is sqlite, cli or jsonl (was '{gateway}')");
        }

        return new WorkerSettings(
            workspace, Get("--tmux-socket"), Get("--tmux-socket-path"), Seconds("--interval", Get("--interval")),
            Seconds("--heartbeat-interval", Get("--heartbeat-interval")), gateway, Get("--broker"));
    }

    private static TimeSpan? Seconds(string flag, string? value)
    {
        try
        {
            return value is null ? null : AgentSessions.Reconcile.ReconcilerOptions.ParsePollInterval(value);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"'{flag}' {e.Message}", e);
        }
    }
}
