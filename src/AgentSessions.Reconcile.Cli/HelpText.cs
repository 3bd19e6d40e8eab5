namespace AgentSessions.Reconcile.Cli;

/// <summary>The text of <c>--help</c>.</summary>
internal static class HelpText
{
    public const string Overview =
        """
        agent-sessions - keep .hermes/agent-sessions.yaml true to tmux, Claude Code and agy

        Usage:
          agent-sessions reconcile [--once] [--emit-diff] [--dry-run] [--workspace DIR]
                                   [--tmux-socket NAME | --tmux-socket-path PATH] [--interval SECONDS]
          agent-sessions status [--json] [--workspace DIR] [--tmux-socket NAME | --tmux-socket-path PATH]
          agent-sessions help [COMMAND]
          agent-sessions --help | --version

        Commands:
          reconcile   compare the registry with the live state, repair what is safe, report drift
          status      show every session: registry status, live state, pane, ids, last drift

        The workspace is --workspace DIR, else the nearest folder (from here up) holding
        .hermes/agent-sessions.yaml, else the current folder. Claude transcripts are read from
        $CLAUDE_CONFIG_DIR (default ~/.claude), agy files from $HOME/.gemini/antigravity-cli.

        Exit codes: 0 ok, 1 internal error, 2 usage, 3 registry invalid, 4 lock timeout,
                    5 I/O error, 130 interrupted (SIGINT), 143 terminated (SIGTERM during --once).
        """;

    public const string Reconcile =
        """
        Usage: agent-sessions reconcile [options]

        Compares .hermes/agent-sessions.yaml with tmux and the agents' files, repairs what is safe
        (A: running row whose tmux is gone -> terminated; B: unregistered <workspace>-...-creator-<agent>
        session -> registered; C: new transcript/conversation -> own id filled), and reports the rest
        (D: id whose artifact is gone; E: end-state row whose tmux is still alive). Each drift is
        reported once; repeats are counted as "coalesced".

        Options:
          --once                    run one pass and exit (default: loop until Ctrl-C/SIGTERM)
          --emit-diff               print the JSON report of each pass on stdout (one line per pass)
          --dry-run                 compute drift without changing any file
          --workspace DIR           the workspace root (default: search up from the current folder)
          --tmux-socket NAME        the tmux server's socket name (tmux -L NAME)
          --tmux-socket-path PATH   the tmux server's socket path (tmux -S PATH)
          --interval SECONDS        wait between passes (default 30, 60 with 5+ running sessions,
                                    or $RECONCILE_POLL_INTERVAL); not with --once
          -h, --help                show this help

        The JSON format is docs/drift-report.schema.json. Without --emit-diff, each new drift is
        printed as one line ("A name: sentence").
        """;

    public const string Status =
        """
        Usage: agent-sessions status [options]

        Shows every session of the workspace: registry status, live tmux state (alive, gone,
        unknown), pane (pid and command; in parentheses when recorded, not live), own Claude and agy
        ids, and the last reported drift. Changes nothing.

        Options:
          --json                    print one JSON object instead of the table
          --workspace DIR           the workspace root (default: search up from the current folder)
          --tmux-socket NAME        the tmux server's socket name (tmux -L NAME)
          --tmux-socket-path PATH   the tmux server's socket path (tmux -S PATH)
          -h, --help                show this help
        """;

    public static string For(string? topic) => topic switch
    {
        "reconcile" => Reconcile,
        "status" => Status,
        _ => Overview,
    };
}
