using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using AgentSessions.Reconcile.Cli.Demo;
using AgentSessions.Reconcile.Cli.Output;
using AgentSessions.Reconcile.Cli.Parsing;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>Runs one <c>agent-sessions</c> command line and returns its exit code.</summary>
internal sealed partial class CliApp(CliEnvironment env, StopSignal? stop = null)
{
    /// <summary>The exit code after SIGTERM during a single pass (128 + 15).</summary>
    public const int TerminatedExitCode = 143;

    private readonly StopSignal stop = stop ?? new StopSignal();

    /// <summary>Gets the tool's version (the informational version without build metadata).</summary>
    public static string Version
    {
        get
        {
            var v = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            var plus = v.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? v : v[..plus];
        }
    }

    /// <summary>Runs <paramref name="args"/>.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="cancellationToken">Cancelled by Ctrl-C or SIGTERM.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        CliCommand command;
        try
        {
            command = CommandLineParser.Parse(args);
        }
        catch (UsageException e)
        {
            return Usage(e);
        }

        try
        {
            return command switch
            {
                HelpCommand help => Done(() => CommandLineParser.WriteHelp(help.Topic, env.Out)),
                VersionCommand => Done(() => env.Out.Write("agent-sessions " + Version + "\n")),
                CompletionCommand completion => Done(() => CommandLineParser.Invoke(completion.Result, env.Out)),
                ReconcileCommand reconcile => await ReconcileAsync(reconcile, cancellationToken).ConfigureAwait(false),
                StatusCommand status => await StatusAsync(status, cancellationToken).ConfigureAwait(false),
                HookRecordCommand => RunHook(),
                HookSettingsCommand settings => ChangeHookSettings(settings),
                DemoCommand => await new DemoRunner(env, stop).RunAsync(cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException("Unhandled command " + command.GetType().Name + "."),
            };
        }
        catch (UsageException e)
        {
            return Usage(e);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: also when the work in flight then failed with its own error (a closed pipe, a refused broker).
            return Interrupted(loop: false);
        }
        catch (Exception e) when (Classify(e) is { } code)
        {
            Fail(e);
            return code;
        }
#pragma warning disable CA1031 // The CLI's last line of defence: one sentence, never a stack trace.
        catch (Exception e)
#pragma warning restore CA1031
        {
            env.Error.WriteLine($"agent-sessions: internal error: {e.GetType().Name}: {e.Message}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Maps an exception to its exit code, or <see langword="null"/> for a bug.</summary>
    /// <param name="e">The exception.</param>
    /// <returns>The exit code.</returns>
    internal static int? Classify(Exception e) => e switch
    {
        RegistryException { Kind: RegistryErrorKind.Locked } => ExitCodes.LockTimeout,
        RegistryException { Kind: RegistryErrorKind.Io } => ExitCodes.IoError,
        RegistryException => ExitCodes.RegistryInvalid,
        IOException or UnauthorizedAccessException => ExitCodes.IoError,
        _ => null,
    };

    /// <summary>Formats an error as one line: <c>file:line:column: message (field …)</c> for registry errors.</summary>
    /// <param name="e">The exception.</param>
    /// <returns>The line, without the program name.</returns>
    internal static string Describe(Exception e)
    {
        if (e is not RegistryException r)
        {
            return e.Message;
        }

        // The store's messages usually name the place already ("file:line:column: field: …"): don't say it twice.
        var place = string.IsNullOrEmpty(r.FilePath) || r.Message.Contains(r.FilePath, StringComparison.Ordinal) ? string.Empty
            : r.Line is not { } line ? r.FilePath + ": "
            : r.Column is not { } column ? $"{r.FilePath}:{line}: "
            : $"{r.FilePath}:{line}:{column}: ";
        var field = string.IsNullOrEmpty(r.Field) || r.Message.Contains(r.Field, StringComparison.Ordinal) ? string.Empty : $" (field {r.Field})";
        return place + r.Message.TrimEnd() + field;
    }

    private static string WorkspaceName(Registry registry, string root) =>
        !string.IsNullOrEmpty(registry.Workspace)
            ? registry.Workspace
            : Path.GetFileName(Path.TrimEndingDirectorySeparator(root)) is { Length: > 0 } name ? name : root;

    private void Fail(Exception e) => env.Error.WriteLine("agent-sessions: " + Describe(e));

    private int Usage(UsageException e)
    {
        env.Error.WriteLine("agent-sessions: " + e.Message);
        env.Error.WriteLine(e.Command is null
            ? "Run 'agent-sessions --help' for usage."
            : $"Run 'agent-sessions {e.Command} --help' for usage.");
        return ExitCodes.Usage;
    }

    /// <summary>Writes what a command that only prints prints; its exit code.</summary>
    private static int Done(Action write)
    {
        write();
        return ExitCodes.Ok;
    }

    private int Interrupted(bool loop)
    {
        var signal = stop.Received;
        env.Error.WriteLine(signal == PosixSignal.SIGTERM ? "agent-sessions: stopped (SIGTERM)." : "agent-sessions: interrupted.");
        return signal == PosixSignal.SIGTERM ? (loop ? ExitCodes.Ok : TerminatedExitCode) : ExitCodes.Interrupted;
    }

    private CliSettings Settings(WorkspaceCommand command, string name)
    {
        string root;
        if (command.Workspace is not null)
        {
            root = Path.GetFullPath(command.Workspace, env.CurrentDirectory);
            if (!env.DirectoryExists(root))
            {
                throw new UsageException($"'--workspace' folder '{command.Workspace}' does not exist.", name);
            }
        }
        else
        {
            root = env.Services.FindWorkspaceRoot(env.CurrentDirectory) ?? env.CurrentDirectory;
        }

        return new CliSettings(
            root,
            command.TmuxSocketName,
            command.TmuxSocketPath,
            NullIfEmpty(env.GetVariable("HOME")),
            NullIfEmpty(env.GetVariable("CLAUDE_CONFIG_DIR")),
            NullIfEmpty(env.GetVariable(ReconcilerOptions.StateDirectoryEnvironmentVariable)),
            PollInterval: null,
            WedgedAfter: command.WedgedAfter);
    }

    /// <summary>Nothing at all at the registry path: a folder or a link there is not "no registry" (the pass says what is wrong with it).</summary>
    private bool NoRegistryAt(string path) => !env.FileExists(path) && !env.DirectoryExists(path);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private async Task<int> ReconcileAsync(ReconcileCommand command, CancellationToken cancellationToken)
    {
        // Checked before the first pass so a bad value fails at once, not after 30 seconds.
        var environmentInterval = command.Once ? null : IntervalPolicy.FromEnvironment(env.GetVariable(IntervalPolicy.EnvironmentVariable));
        // With --subscribe, RECONCILE_POLL_INTERVAL is the fallback poll while the broker is unreachable (docs/mqtt.md).
        var settings = Settings(command, "reconcile") with { PollInterval = command.Interval ?? (command.Subscribe is null ? environmentInterval : null), AttentionAfter = command.AttentionAfter };
        var services = env.Services.Create(settings, env.Time);
        var context = new ReportContext(settings.WorkspaceRoot, services.Store.RegistryPath);
        if (NoRegistryAt(services.Store.RegistryPath))
        {
            env.Error.WriteLine(
                $"agent-sessions: note: no registry at {services.Store.RegistryPath}; starting from an empty one"
                + (command.DryRun ? " (dry run: nothing is written)." : " (the file is created when a session is registered)."));
        }

        if (command.Subscribe is { } subscribe)
        {
            return await SubscribeAsync(command, subscribe, settings, services, context, environmentInterval, cancellationToken).ConfigureAwait(false);
        }

        if (command.Once)
        {
            var request = new ReconcileRequest { Trigger = ReconcileTrigger.Manual, DryRun = command.DryRun };
            var report = await services.Reconciler.ReconcileAsync(request, cancellationToken).ConfigureAwait(false);
            Emit(report, command, context, once: true);
            return ExitCodes.Ok;
        }

        // A failing pass never ends the loop: the loop backs off within the interval and it is said once.
        var loop = new ReconcileLoop(services.Reconciler, services.Store, env.Time);
        var publishing = await StartPublishingAsync(command, settings, services, cancellationToken).ConfigureAwait(false);
        await using var stopPublishing = publishing.ConfigureAwait(false);
        try
        {
            await loop.RunAsync(
                async (request, ct) =>
                {
                    request.DryRun = command.DryRun;
                    var report = await loop.ReconcileAsync(request, ct).ConfigureAwait(false);
                    Emit(report, command, context, once: false);
                    publishing.OnPassCompleted(report);
                    return report.RequeueAfter;
                },
                SayPassFailed,
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return Interrupted(loop: true);
    }

    private void SayPassFailed(Exception e) =>
        env.Error.WriteLine("agent-sessions: " + (Classify(e) is null ? $"pass failed: {e.GetType().Name}: {e.Message}" : Describe(e)));

    private void Emit(DriftReport report, ReconcileCommand command, ReportContext context, bool once)
    {
        if (command.EmitDiff)
        {
            DriftReportJsonWriter.WriteTo(env.Out, report, context);
            env.Out.Write('\n');
        }
        else
        {
            foreach (var drift in report.Drifts)
            {
                env.Out.Write(JsonText.ClassCode(drift.Class) + " " + StatusTableRenderer.Clean(drift.Message) + "\n");
            }

            if (once && report.Drifts.Count == 0)
            {
                env.Out.Write($"no new drift ({report.SessionCount} sessions, {report.RunningCount} running)\n");
            }
        }

        env.Out.Flush();
        if (report.StateProblem is { } problem)
        {
            env.Error.WriteLine($"agent-sessions: warning: {problem}.");
        }

        if (!report.TmuxKnown)
        {
            env.Error.WriteLine($"agent-sessions: note: tmux state unknown ({report.TmuxUnknownReason ?? "no reason given"}); no A or B drift was considered.");
        }

        foreach (var note in report.Notes)
        {
            env.Error.WriteLine($"agent-sessions: note: {note}");
        }

        if (report.RegistryCreated)
        {
            env.Error.WriteLine("agent-sessions: note: " + CreatedNote(context.RegistryPath));
        }
    }

    /// <summary>Names the file a pass created: through a symbolic link, the link's target.</summary>
    private static string CreatedNote(string path)
    {
        try
        {
            if (File.ResolveLinkTarget(path, returnFinalTarget: true) is { } target)
            {
                return $"created {target.FullName} (the target of the link {path}).";
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone again or unreadable: name the registry path.
        }

        return $"created {path}.";
    }

    private async Task<int> StatusAsync(StatusCommand command, CancellationToken cancellationToken)
    {
        if (command.Fleet is { } fleet)
        {
            return await FleetStatusAsync(command, fleet, cancellationToken).ConfigureAwait(false);
        }

        var settings = Settings(command, "status");
        var services = env.Services.Create(settings, env.Time);
        if (NoRegistryAt(services.Store.RegistryPath))
        {
            env.Error.WriteLine($"agent-sessions: note: no registry at {services.Store.RegistryPath}.");
        }

        if (command.Watch)
        {
            return await WatchStatusAsync(command, settings, services, cancellationToken).ConfigureAwait(false);
        }

        WriteStatus(command, await BuildStatusAsync(settings, services, cancellationToken).ConfigureAwait(false));
        return ExitCodes.Ok;
    }

    /// <summary>What <c>status</c> shows for one workspace: the registry joined with one tmux snapshot and the last drifts.</summary>
    private async Task<StatusReport> BuildStatusAsync(CliSettings settings, CliServices services, CancellationToken cancellationToken)
    {
        var exists = env.FileExists(services.Store.RegistryPath);
        var registry = await services.Store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var workspace = WorkspaceName(registry, settings.WorkspaceRoot);
        var live = await services.Probe.ObserveAsync(registry, workspace, cancellationToken).ConfigureAwait(false);
        return StatusBuilder.Build(
            registry,
            live.Tmux,
            env.Services.ReadLastDrifts(settings, workspace),
            workspace,
            settings.WorkspaceRoot,
            services.Store.RegistryPath,
            exists,
            live.Get(LiveKeys.Attention));
    }

    private void WriteStatus(StatusCommand command, StatusReport report)
    {
        if (command.Json)
        {
            env.Out.Write(Encoding.UTF8.GetString(StatusJsonWriter.ToUtf8(report)));
            env.Out.Write('\n');
        }
        else
        {
            env.Out.Write(StatusTableRenderer.Render(report, Colour));
        }

        env.Out.Flush();
    }

    private bool Colour => env.OutputIsTerminal && string.IsNullOrEmpty(env.GetVariable("NO_COLOR"));
}
