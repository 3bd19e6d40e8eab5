using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;

namespace AgentSessions.Reconcile.Cli.Parsing;

/// <summary>
/// The <c>agent-sessions</c> command line on System.CommandLine: the commands and options are
/// declared once here, and help, shell completion (the <c>[suggest]</c> directive) and the parse
/// come from the library. Its errors are turned into one sentence naming the flag (the contract
/// in docs/cli.md), with a "did you mean" suggestion taken from the declared options.
/// To add an option: declare a field, add it to its command in the constructor, and read it in
/// the command's <c>To…</c> method (checks across options go there too).
/// </summary>
internal sealed partial class CommandLineParser
{
    // No response files (@file) and no bundling (-abc): every argument means what it says.
    private static readonly ParserConfiguration Configuration = new() { EnablePosixBundling = false, ResponseFileTokenReplacer = null };

    // reconcile
    private readonly Option<bool> once = Flag("--once", "run one pass and exit (default: loop until Ctrl-C/SIGTERM)");
    private readonly Option<bool> emitDiff = Flag("--emit-diff", "print the JSON report of each pass on stdout (one line per pass)");
    private readonly Option<bool> dryRun = Flag("--dry-run", "compute drift without changing any file");
    private readonly Option<string> interval = Value(
        "--interval", "SECONDS", "wait between passes (default 30, 60 with 5+ running sessions, or $RECONCILE_POLL_INTERVAL); not with --once");

    private readonly Option<string> attentionAfter = Value(
        "--attention-after", "SECONDS", "report drift F when an agent has waited this long for its human (default 60)");

    private readonly WorkspaceOptions reconcileWorkspace = new();
    private readonly SubscribeOptions subscribe = new();
    private readonly PublishOptions publish = new();

    // status
    private readonly Option<bool> json = Flag("--json", "print one JSON object instead of the table");
    private readonly WorkspaceOptions statusWorkspace = new();
    private readonly FleetViewOptions fleetView = new();

    // hook
    private readonly HookTargetOptions installTarget = new();
    private readonly HookTargetOptions uninstallTarget = new();

    // help
    private readonly Argument<string> helpTopic = new("COMMAND") { Arity = ArgumentArity.ZeroOrOne, Description = "the command to explain" };

    private readonly Command reconcile;
    private readonly Command status;
    private readonly Command hook;
    private readonly Command hookInstall;
    private readonly Command hookUninstall;
    private readonly Command demo = new("demo", "show drift A, B and C found and repaired in a throwaway workspace (needs tmux)");
    private readonly Command help;
    private readonly RootCommand root;

    private CommandLineParser()
    {
        reconcile = new Command("reconcile", "compare the registry with the live state, repair what is safe, report drift") { once, emitDiff, dryRun };
        reconcileWorkspace.AddTo(reconcile);
        reconcile.Add(interval);
        reconcile.Add(attentionAfter);
        subscribe.AddTo(reconcile);
        publish.AddTo(reconcile);

        status = new Command("status", "show every session: registry status, live state, pane, ids, last drift") { json };
        statusWorkspace.AddTo(status);
        fleetView.AddTo(status);

        hookInstall = new Command("install", "add this tool's hook entries to Claude Code's settings (idempotent; keeps the rest; a .bak)");
        installTarget.AddTo(hookInstall);
        hookUninstall = new Command("uninstall", "remove exactly this tool's hook entries from Claude Code's settings");
        uninstallTarget.AddTo(hookUninstall);
        hook = new Command("hook", "record one Claude Code hook event read on stdin (always exit 0; see docs/attention.md)") { hookInstall, hookUninstall };

        help = new Command("help", "show the help of a command") { helpTopic };
        root = new RootCommand("agent-sessions - keep .hermes/agent-sessions.yaml true to tmux, Claude Code and agy") { reconcile, status, hook, demo, help };

        // The generated help, followed by notes: each command's details, the overview's command lines and exit codes.
        var helpOption = root.Options.OfType<HelpOption>().Single();
        helpOption.Action = new HelpWithNotes((HelpAction)helpOption.Action!, this);
    }

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <returns>The command to run.</returns>
    /// <exception cref="UsageException">The command line is wrong; the message says how.</exception>
    public static CliCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            throw new UsageException("no command given; use 'reconcile' or 'status' ('demo' shows them at work).");
        }

        return new CommandLineParser().Map(args);
    }

    /// <summary>Writes the generated help of <paramref name="topic"/> (or the overview) to <paramref name="output"/>.</summary>
    /// <param name="topic">A command name, or <see langword="null"/> for the overview.</param>
    /// <param name="output">Where to write.</param>
    public static void WriteHelp(string? topic, TextWriter output)
    {
        string[] args = topic is null ? ["--help"] : [topic, "--help"];
        Invoke(new CommandLineParser().root.Parse(args, Configuration), output);
    }

    /// <summary>Runs a parse result's own action (help, completion) with its output going to <paramref name="output"/>.</summary>
    /// <param name="result">The parse result.</param>
    /// <param name="output">Where to write.</param>
    internal static void Invoke(ParseResult result, TextWriter output) =>
        result.Invoke(new InvocationConfiguration { Output = output, Error = output, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });

    /// <summary>Parses a whole number of seconds from 1 to one day.</summary>
    /// <param name="text">The text.</param>
    /// <param name="what">What to call the value in the error (e.g. <c>'--interval'</c>).</param>
    /// <param name="command">The command whose usage applies.</param>
    /// <returns>The interval.</returns>
    internal static TimeSpan ParseInterval(string text, string what, string? command)
    {
        try
        {
            return ReconcilerOptions.ParsePollInterval(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"{what} {e.Message}.", command);
        }
    }

    /// <summary>Refuses the first of <paramref name="options"/> given on the command line: each needs <paramref name="parent"/>.</summary>
    private static void RefuseWithout(ParseResult result, string parent, string name, params Option[] options)
    {
        if (options.FirstOrDefault(o => result.GetResult(o) is { Implicit: false }) is { } given)
        {
            throw new UsageException($"'{given.Name}' needs '{parent}'.", name);
        }
    }

    private static void AddAll(Command command, params Option[] options) => Array.ForEach(options, command.Add);

    private static Option<bool> Flag(string name, string description) =>
        new(name) { Description = description, Arity = ArgumentArity.Zero };

    private static Option<string> Value(string name, string metavar, string description) =>
        new(name) { Description = description, HelpName = metavar };

    private CliCommand Map(IReadOnlyList<string> args)
    {
        var result = root.Parse(args, Configuration);
        if (root.Directives.OfType<SuggestDirective>().Any(d => result.GetResult(d) is not null))
        {
            return new CompletionCommand(result);
        }

        var command = result.CommandResult.Command;
        var name = command == root ? null : command.Name;
        CheckTokens(result, command, name, args);
        if (result.Errors.Count > 0)
        {
            throw new UsageException(result.Errors[0].Message, name);
        }

        var install = command == hookInstall;
        return result.Action is HelpWithNotes ? new HelpCommand(name)
            : command == reconcile ? ToReconcile(result)
            : command == status ? ToStatus(result)
            : command == hook ? new HookRecordCommand()
            : install || command == hookUninstall ? new HookSettingsCommand { Install = install, Project = (install ? installTarget : uninstallTarget).Read(result, "hook " + command.Name) }
            : command == demo ? new DemoCommand()
            : command == help ? ToHelp(result)
            : root.Options.OfType<VersionOption>().Any(v => result.GetResult(v) is { Implicit: false }) ? new VersionCommand()
            : throw new UsageException("no command given; use 'reconcile' or 'status' ('demo' shows them at work).");
    }

    private ReconcileCommand ToReconcile(ParseResult result)
    {
        const string Name = "reconcile";
        var command = new ReconcileCommand
        {
            Once = result.GetValue(once),
            EmitDiff = result.GetValue(emitDiff),
            DryRun = result.GetValue(dryRun),
            Interval = result.GetValue(interval) is { } seconds ? ParseInterval(seconds, "'--interval'", Name) : null,
            AttentionAfter = result.GetValue(attentionAfter) is { } after ? ParseInterval(after, "'--attention-after'", Name) : null,
        };
        reconcileWorkspace.Fill(command, result, Name);
        if (command.Once && command.Interval is not null)
        {
            throw new UsageException("'--interval' has no effect with '--once'; drop one of them.", Name);
        }

        command.Subscribe = subscribe.Read(result, command.Once, Name, publish.Given(result));
        command.Publish = publish.Read(result, command.Once, Name);
        command.Broker = command.Subscribe is null && command.Publish is not null ? subscribe.ReadBroker(result) : null;

        return command;
    }

    private StatusCommand ToStatus(ParseResult result)
    {
        var command = new StatusCommand { Json = result.GetValue(json) };
        statusWorkspace.Fill(command, result, "status");
        fleetView.Fill(command, result, "status");
        if (command.Fleet is not null && (command.Workspace ?? command.TmuxSocketName ?? command.TmuxSocketPath) is not null)
        {
            throw new UsageException("'--fleet' shows the hosts' published statuses; '--workspace' and the tmux socket options are for one local workspace.", "status");
        }

        return command;
    }

    private HelpCommand ToHelp(ParseResult result)
    {
        var topic = result.GetValue(helpTopic);
        if (topic is not null && !Topics().Contains(topic, StringComparer.Ordinal))
        {
            throw new UsageException($"unknown command '{topic}'{TypoSuggestion.For(topic, Topics())}.");
        }

        return new HelpCommand(topic);
    }

    private string[] Topics() => [.. root.Subcommands.Where(c => c != help).Select(c => c.Name)];

    /// <summary>Turns what System.CommandLine did not match or accept into the contract's sentences.</summary>
    private void CheckTokens(ParseResult result, Command command, string? name, IReadOnlyList<string> args)
    {
        if (command.Options.FirstOrDefault(o => o is not HelpOption && result.GetResult(o) is { IdentifierTokenCount: > 1 }) is { } repeated)
        {
            throw new UsageException($"'{repeated.Name}' is given more than once.", name);
        }

        foreach (var arg in args)
        {
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq > 0 && command.Options.FirstOrDefault(o => o.Name == arg[..eq]) is { Arity.MaximumNumberOfValues: 0 } flag)
            {
                throw new UsageException($"'{flag.Name}' takes no value (got '{arg[(eq + 1)..]}').", name);
            }
        }

        if (result.UnmatchedTokens.Count > 0)
        {
            throw Unmatched(result.UnmatchedTokens[0], command, name, args);
        }

        foreach (var option in command.Options)
        {
            if (option.Arity.MinimumNumberOfValues == 0 || result.GetResult(option) is not { Implicit: false } given)
            {
                continue;
            }

            var metavar = option.HelpName ?? "VALUE";
            var value = given.Tokens.Count > 0 ? given.Tokens[0].Value : null;
            if ((value is null && args.Contains(option.Name + "=", StringComparer.Ordinal)) || value?.Length == 0)
            {
                throw new UsageException($"'{option.Name}' needs a value ({metavar}), got an empty one.", name);
            }

            // System.CommandLine would take the next flag as the value: a missing value, for us.
            if (value is null || (value.StartsWith("--", StringComparison.Ordinal) && !args.Contains($"{option.Name}={value}", StringComparer.Ordinal)))
            {
                throw new UsageException($"'{option.Name}' needs a value ({metavar}).", name);
            }
        }
    }

    private UsageException Unmatched(string token, Command command, string? name, IReadOnlyList<string> args)
    {
        var word = token.StartsWith("--", StringComparison.Ordinal) && token.IndexOf('=', StringComparison.Ordinal) is > 0 and var eq ? token[..eq] : token;
        var isOption = word.Length > 1 && word.StartsWith('-');
        if (isOption && (command == root || token == args[0]))
        {
            return new UsageException($"unknown option '{word}' before the command; use 'reconcile' or 'status' first.");
        }

        if (command == root)
        {
            return new UsageException($"unknown command '{word}'{TypoSuggestion.For(word, [.. root.Subcommands.Select(c => c.Name)])}.");
        }

        if (isOption)
        {
            return new UsageException($"unknown option '{word}' for '{name}'{TypoSuggestion.For(word, [.. command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))])}.", name);
        }

        return command == help
            ? new UsageException($"unexpected argument '{word}'; 'help' takes one command name.", name)
            : new UsageException($"unexpected argument '{word}'; '{name}' takes only options.", name);
    }

    /// <summary>The options every command that looks at a workspace takes.</summary>
    private sealed class WorkspaceOptions
    {
        private readonly Option<string> workspace = Value("--workspace", "DIR", "the workspace root (default: search up from the current folder)");
        private readonly Option<string> tmuxSocket = Value("--tmux-socket", "NAME", "the tmux server's socket name (tmux -L NAME)");
        private readonly Option<string> tmuxSocketPath = Value("--tmux-socket-path", "PATH", "the tmux server's socket path (tmux -S PATH)");
        private readonly Option<string> wedgedAfter = Value("--wedged-after", "SECONDS", "a working agent with no hook event or transcript growth this long is wedged (default 900)");

        public void AddTo(Command command) => AddAll(command, workspace, tmuxSocket, tmuxSocketPath, wedgedAfter);

        public void Fill(WorkspaceCommand command, ParseResult result, string name)
        {
            command.Workspace = result.GetValue(workspace);
            command.TmuxSocketName = result.GetValue(tmuxSocket);
            command.TmuxSocketPath = result.GetValue(tmuxSocketPath);
            command.WedgedAfter = result.GetValue(wedgedAfter) is { } wedged ? ParseInterval(wedged, "'--wedged-after'", name) : null;
            if (command.TmuxSocketName?.Contains('/', StringComparison.Ordinal) == true)
            {
                throw new UsageException(
                    $"'--tmux-socket' takes a socket name, not a path ('{command.TmuxSocketName}'); use '--tmux-socket-path' for a path.", name);
            }

            if (TmuxClient.SocketProblem(command.TmuxSocketName, command.TmuxSocketPath) is not null)
            {
                throw new UsageException("'--tmux-socket' and '--tmux-socket-path' cannot be used together; give one.", name);
            }
        }
    }

    /// <summary>Which Claude Code settings file <c>hook install | uninstall</c> changes: exactly one of <c>--user</c>, <c>--project DIR</c>.</summary>
    private sealed class HookTargetOptions
    {
        private readonly Option<bool> user = Flag("--user", "Claude Code's user settings: $CLAUDE_CONFIG_DIR/settings.json (default ~/.claude)");
        private readonly Option<string> project = Value("--project", "DIR", "a project's settings: DIR/.claude/settings.json");

        public void AddTo(Command command) => AddAll(command, user, project);

        /// <summary>The project folder, or <see langword="null"/> for the user's settings.</summary>
        public string? Read(ParseResult result, string name)
        {
            var isUser = result.GetValue(user);
            var dir = result.GetValue(project);
            return (isUser, dir) switch
            {
                (true, not null) => throw new UsageException("'--user' and '--project' cannot be used together; give one.", name),
                (false, null) => throw new UsageException("say which settings to change: '--user' or '--project DIR'.", name),
                _ => dir,
            };
        }
    }
}
