using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text;

namespace AgentSessions.Reconcile.Cli.Parsing;

/// <summary>The help: System.CommandLine's generated text, then the notes it has no place for.</summary>
internal sealed partial class CommandLineParser
{
    /// <summary>The tool's command name, as installed.</summary>
    internal const string ToolName = "agent-sessions";

    private const int HelpWidth = 100;

    /// <summary>The command lines of every command, generated from the declared options.</summary>
    /// <returns>One usage line per command, wrapped at <see cref="HelpWidth"/>.</returns>
    internal string Synopsis()
    {
        var sb = new StringBuilder();
        foreach (var command in root.Subcommands)
        {
            var line = new StringBuilder("  ").Append(ToolName).Append(' ').Append(command.Name);
            var indent = new string(' ', line.Length + 1);
            var parts = command.Options.Where(o => o is not HelpOption)
                .Select(o => o.Arity.MaximumNumberOfValues == 0 ? $"[{o.Name}]" : $"[{o.Name} {o.HelpName}]")
                .Concat(command.Arguments.Select(a => $"[{a.Name}]"));
            var width = line.Length;
            foreach (var part in parts)
            {
                if (width + 1 + part.Length > HelpWidth)
                {
                    line.Append('\n').Append(indent.AsSpan(0, indent.Length - 1));
                    width = indent.Length - 1;
                }

                line.Append(' ').Append(part);
                width += 1 + part.Length;
            }

            sb.Append(line).Append('\n');
        }

        sb.Append("  ").Append(ToolName).Append(" --help | --version\n");
        return sb.ToString();
    }

    /// <summary>Writes the generated help, then the notes of the command (the overview's: command lines, workspace, exit codes).</summary>
    private sealed class HelpWithNotes(HelpAction generated, CommandLineParser parser) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            generated.MaxWidth = HelpWidth;
            generated.Invoke(parseResult);
            var command = parseResult.CommandResult.Command;
            parseResult.InvocationConfiguration.Output.Write(
                command == parser.root ? "Command lines:\n" + parser.Synopsis() + "\n" + HelpNotes.Overview
                : command == parser.reconcile ? HelpNotes.Reconcile
                : command == parser.status ? HelpNotes.Status
                : string.Empty);
            return 0;
        }
    }

    /// <summary>What the help says after the generated sections.</summary>
    private static class HelpNotes
    {
        public const string Reconcile =
            """
            What it does:
              Compares .hermes/agent-sessions.yaml with tmux and the agents' files, repairs what is safe
              (A: running row whose tmux is gone -> terminated; B: unregistered <workspace>-...-creator-<agent>
              session -> registered; C: new transcript/conversation -> own id filled), and reports the rest
              (D: id whose artifact is gone; E: end-state row whose tmux is still alive). Each drift is
              reported once; repeats are counted as "coalesced". The JSON format (--emit-diff) is
              docs/drift-report.schema.json; without --emit-diff, each new drift is one line ("A name: sentence").
              A waits 5 s: a running row written (created_at/updated_at) under 5 s ago whose session is gone is
              left for the next pass (its session may not have started yet), so a pass right after a row is
              written and its session killed says "no new drift".

            Push monitoring (--subscribe, docs/mqtt.md):
              Subscribes to <prefix>/jobs/+/events, verifies each signed job event, and reconciles at once; a
              verified terminal event records the job's status and ends its row (termination_mode job-...).
              User name and password come only from $AGENT_SESSIONS_BROKER_USERNAME and
              $AGENT_SESSIONS_BROKER_PASSWORD (or --broker-password-file), never from a flag. When the broker is
              unreachable or refuses us, it says so once on stderr and polls every $RECONCILE_POLL_INTERVAL
              seconds (default 15) while reconnecting; --timeout or --idle-timeout end the run with exit 0.

            """;

        public const string Status =
            """
            What it shows:
              Every session of the workspace: registry status, live tmux state (alive, gone, unknown),
              pane (pid and command; in parentheses when recorded, not live), own Claude and agy ids,
              and the last reported drift. Changes nothing.
              --watch redraws it when a pass or an event writes the registry or the drift state.
              --fleet shows every host's sessions, as their monitors publish them with
              reconcile --publish-status, from the fleet's MQTT broker (docs/fleet.md).

            """;

        public const string Overview =
            """
            The workspace is --workspace DIR, else the nearest folder (from here up) holding
            .hermes/agent-sessions.yaml, else the current folder. Claude transcripts are read from
            $CLAUDE_CONFIG_DIR (default ~/.claude), agy files from $HOME/.gemini/antigravity-cli.
            Shell completion: System.CommandLine's [suggest] directive (dotnet-suggest); see docs/cli.md.

            Exit codes: 0 ok, 1 internal error, 2 usage, 3 registry invalid, 4 lock timeout,
                        5 I/O error, 6 tool missing (demo: tmux), 7 broker unusable (status --fleet),
                        8 settings invalid (hook install),
                        130 interrupted (SIGINT), 143 terminated (SIGTERM during --once).

            """;
    }
}
