using System.Globalization;

namespace AgentSessions.Reconcile.Cli.Parsing;

/// <summary>
/// Parses the <c>agent-sessions</c> command line. Hand-written on purpose: no reflection, no
/// dependency, nothing to initialise at start-up, and every error names the flag concerned.
/// Accepts <c>--flag value</c> and <c>--flag=value</c>; flags may come in any order.
/// </summary>
internal static class CommandLineParser
{
    /// <summary>The longest <c>--interval</c> accepted: one day.</summary>
    internal const int MaxIntervalSeconds = 86_400;

    private static readonly string[] ReconcileFlags =
        ["--once", "--emit-diff", "--dry-run", "--workspace", "--tmux-socket", "--tmux-socket-path", "--interval", "--help"];

    private static readonly string[] StatusFlags =
        ["--json", "--workspace", "--tmux-socket", "--tmux-socket-path", "--help"];

    private static readonly string[] Commands = ["reconcile", "status", "help"];

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <returns>The command to run.</returns>
    /// <exception cref="UsageException">The command line is wrong; the message says how.</exception>
    public static CliCommand Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
        {
            throw new UsageException("no command given; use 'reconcile' or 'status'.");
        }

        var first = args[0];
        switch (first)
        {
            case "-h" or "--help":
                ExpectNoMore(args, 1, null);
                return new HelpCommand(null);
            case "--version":
                ExpectNoMore(args, 1, null);
                return new VersionCommand();
            case "help":
                if (args.Count > 2)
                {
                    throw new UsageException($"unexpected argument '{args[2]}' after 'help {args[1]}'.");
                }

                if (args.Count == 2 && !IsCommand(args[1]))
                {
                    throw new UsageException($"unknown command '{args[1]}'{Suggest(args[1], Commands)}.");
                }

                return new HelpCommand(args.Count == 2 ? args[1] : null);
            case "reconcile":
                return ParseReconcile(args);
            case "status":
                return ParseStatus(args);
            default:
                if (first.StartsWith('-'))
                {
                    throw new UsageException($"unknown option '{first}' before the command; use 'reconcile' or 'status' first.");
                }

                throw new UsageException($"unknown command '{first}'{Suggest(first, Commands)}.");
        }
    }

    private static bool IsCommand(string word) => word is "reconcile" or "status";

    private static void ExpectNoMore(IReadOnlyList<string> args, int from, string? command)
    {
        if (args.Count > from)
        {
            throw new UsageException($"unexpected argument '{args[from]}' after '{args[from - 1]}'.", command);
        }
    }

    private static CliCommand ParseReconcile(IReadOnlyList<string> args)
    {
        const string Name = "reconcile";
        var command = new ReconcileCommand();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Reader(args, Name);
        while (reader.Next(out var flag, out var inlineValue))
        {
            if (flag is "-h" or "--help")
            {
                return new HelpCommand(Name);
            }

            Once(seen, flag, Name);
            switch (flag)
            {
                case "--once":
                    reader.NoValue(flag, inlineValue);
                    command.Once = true;
                    break;
                case "--emit-diff":
                    reader.NoValue(flag, inlineValue);
                    command.EmitDiff = true;
                    break;
                case "--dry-run":
                    reader.NoValue(flag, inlineValue);
                    command.DryRun = true;
                    break;
                case "--interval":
                    command.Interval = ParseInterval(reader.Value(flag, inlineValue, "SECONDS"), "'--interval'", Name);
                    break;
                default:
                    if (!TryWorkspaceFlag(command, flag, inlineValue, ref reader))
                    {
                        throw UnknownFlag(flag, Name, ReconcileFlags);
                    }

                    break;
            }
        }

        CheckSockets(command, Name);
        if (command.Once && command.Interval is not null)
        {
            throw new UsageException("'--interval' has no effect with '--once'; drop one of them.", Name);
        }

        return command;
    }

    private static CliCommand ParseStatus(IReadOnlyList<string> args)
    {
        const string Name = "status";
        var command = new StatusCommand();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Reader(args, Name);
        while (reader.Next(out var flag, out var inlineValue))
        {
            if (flag is "-h" or "--help")
            {
                return new HelpCommand(Name);
            }

            Once(seen, flag, Name);
            if (flag == "--json")
            {
                reader.NoValue(flag, inlineValue);
                command.Json = true;
            }
            else if (!TryWorkspaceFlag(command, flag, inlineValue, ref reader))
            {
                throw UnknownFlag(flag, Name, StatusFlags);
            }
        }

        CheckSockets(command, Name);
        return command;
    }

    private static bool TryWorkspaceFlag(WorkspaceCommand command, string flag, string? inlineValue, ref Reader reader)
    {
        switch (flag)
        {
            case "--workspace":
                command.Workspace = reader.Value(flag, inlineValue, "DIR");
                return true;
            case "--tmux-socket":
                var name = reader.Value(flag, inlineValue, "NAME");
                if (name.Contains('/', StringComparison.Ordinal))
                {
                    throw new UsageException($"'--tmux-socket' takes a socket name, not a path ('{name}'); use '--tmux-socket-path' for a path.", reader.Command);
                }

                command.TmuxSocketName = name;
                return true;
            case "--tmux-socket-path":
                command.TmuxSocketPath = reader.Value(flag, inlineValue, "PATH");
                return true;
            default:
                return false;
        }
    }

    private static void CheckSockets(WorkspaceCommand command, string name)
    {
        if (command.TmuxSocketName is not null && command.TmuxSocketPath is not null)
        {
            throw new UsageException("'--tmux-socket' and '--tmux-socket-path' cannot be used together; give one.", name);
        }
    }

    private static void Once(HashSet<string> seen, string flag, string command)
    {
        if (!seen.Add(flag))
        {
            throw new UsageException($"'{flag}' is given more than once.", command);
        }
    }

    /// <summary>Parses a whole number of seconds from 1 to one day.</summary>
    /// <param name="text">The text.</param>
    /// <param name="what">What to call the value in the error (e.g. <c>'--interval'</c>).</param>
    /// <param name="command">The command whose usage applies.</param>
    /// <returns>The interval.</returns>
    internal static TimeSpan ParseInterval(string text, string what, string? command)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds < 1 || seconds > MaxIntervalSeconds)
        {
            throw new UsageException(
                $"{what} must be a whole number of seconds from 1 to {MaxIntervalSeconds.ToString(CultureInfo.InvariantCulture)}, not '{text}'.",
                command);
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static UsageException UnknownFlag(string flag, string command, string[] known)
    {
        if (!flag.StartsWith('-'))
        {
            return new UsageException($"unexpected argument '{flag}'; '{command}' takes only options.", command);
        }

        return new UsageException($"unknown option '{flag}' for '{command}'{Suggest(flag, known)}.", command);
    }

    private static string Suggest(string word, string[] candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = Distance(word, c);
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }

        return best is not null && bestDistance <= 2 ? $" (did you mean '{best}'?)" : string.Empty;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>Walks the arguments after the command, splitting <c>--flag=value</c>.</summary>
    private struct Reader
    {
        private readonly IReadOnlyList<string> args;
        private int index;

        public Reader(IReadOnlyList<string> args, string command)
        {
            this.args = args;
            Command = command;
            index = 1;
        }

        public string Command { get; }

        public bool Next(out string flag, out string? inlineValue)
        {
            if (index >= args.Count)
            {
                flag = string.Empty;
                inlineValue = null;
                return false;
            }

            var arg = args[index++];
            var eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq > 0)
            {
                flag = arg[..eq];
                inlineValue = arg[(eq + 1)..];
            }
            else
            {
                flag = arg;
                inlineValue = null;
            }

            return true;
        }

        public readonly void NoValue(string flag, string? inlineValue)
        {
            if (inlineValue is not null)
            {
                throw new UsageException($"'{flag}' takes no value (got '{inlineValue}').", Command);
            }
        }

        public string Value(string flag, string? inlineValue, string metavar)
        {
            if (inlineValue is not null)
            {
                if (inlineValue.Length == 0)
                {
                    throw new UsageException($"'{flag}' needs a value ({metavar}), got an empty one.", Command);
                }

                return inlineValue;
            }

            if (index >= args.Count || args[index].StartsWith("--", StringComparison.Ordinal) || args[index].Length == 0)
            {
                throw new UsageException($"'{flag}' needs a value ({metavar}).", Command);
            }

            return args[index++];
        }
    }
}
