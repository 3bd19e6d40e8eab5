using AgentSessions.Reconcile.Cli.Output;
using AgentSessions.Reconcile.Cli.Parsing;
using AgentSessions.Reconcile.Mqtt;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>The fleet (docs/fleet.md): <c>reconcile --publish-status</c> and <c>status --fleet [--watch]</c>.</summary>
internal sealed partial class CliApp
{
    /// <summary>Clears a terminal and puts the cursor at the top left, before each redraw of <c>--watch</c>.</summary>
    private const string ClearScreen = "\u001b[H\u001b[2J";

    /// <summary>
    /// Starts publishing this workspace's status when <c>--publish-status</c> was given: off the pass, in
    /// the background, until the returned handle is disposed (the clean stop). A handle that does nothing
    /// when not asked, or when there is no fleet key (said in one sentence; the monitor runs on without publishing).
    /// </summary>
    private async Task<FleetPublishing> StartPublishingAsync(ReconcileCommand command, CliSettings settings, CliServices services, CancellationToken cancellationToken)
    {
        if (command.Publish is not { } publish)
        {
            return FleetPublishing.None;
        }

        if (ReadFleetKey(publish.KeyFile, "reconcile") is not { } key)
        {
            env.Error.WriteLine($"agent-sessions: note: not publishing the status: no fleet key (set ${FleetPublisherOptions.KeyEnvironmentVariable} or give --fleet-key-file).");
            return FleetPublishing.None;
        }

        var options = new FleetPublisherOptions { HostId = publish.HostId, Key = key, Prefix = publish.Prefix ?? FleetPublisherOptions.DefaultPrefix };
        options.KeepAlive = publish.KeepAlive ?? options.KeepAlive;
        var broker = command.Subscribe is { } s ? new BrokerSettings(s.Broker, s.CaFile, s.PasswordFile) : command.Broker ?? new BrokerSettings(null, null, null);
        ApplyBroker(options.Connection, broker, "reconcile");
        string workspace;
        try
        {
            workspace = WorkspaceName(await services.Store.LoadAsync(cancellationToken).ConfigureAwait(false), settings.WorkspaceRoot);
        }
        catch (RegistryException)
        {
            // The passes report what is wrong with the registry; the loop must not end for it.
            workspace = WorkspaceName(new Registry(), settings.WorkspaceRoot);
        }

        FleetStatusPublisher publisher;
        var log = new StderrLogger(env.Error);
        try
        {
            publisher = new FleetStatusPublisher(
                options,
                workspace,
                async ct => StatusJsonWriter.ToUtf8(await BuildStatusAsync(settings, services, ct).ConfigureAwait(false)),
                env.Time,
                log);
        }
        catch (ArgumentException e)
        {
            log.Dispose();
            throw new UsageException(e.Message[..(e.Message.LastIndexOf(" (Parameter", StringComparison.Ordinal) is > 0 and var cut ? cut : e.Message.Length)], "reconcile");
        }

        env.Error.WriteLine($"agent-sessions: publishing the status to {publisher.StatusTopic} on {options.Connection.Broker}.");
        var stop = new CancellationTokenSource();
        return new FleetPublishing(publisher, publisher.RunAsync(stop.Token), stop, log);
    }

    private async Task<int> FleetStatusAsync(StatusCommand command, FleetSettings fleet, CancellationToken cancellationToken)
    {
        var key = ReadFleetKey(fleet.KeyFile, "status")
            ?? throw new UsageException($"'--fleet' needs the fleet key to verify what hosts publish: set ${FleetPublisherOptions.KeyEnvironmentVariable} or give --fleet-key-file.", "status");
        var options = new FleetReaderOptions { Key = key, Prefix = fleet.Prefix ?? FleetPublisherOptions.DefaultPrefix };
        ApplyBroker(options.Connection, fleet.Broker, "status");
        FleetReader reader;
        try
        {
            reader = new FleetReader(options, env.Time);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message[..(e.Message.LastIndexOf(" (Parameter", StringComparison.Ordinal) is > 0 and var cut ? cut : e.Message.Length)], "status");
        }

        try
        {
            var rejected = 0;
            await foreach (var snapshot in reader.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                var now = env.Time.GetUtcNow();
                var text = command.Json ? FleetJsonWriter.ToText(snapshot) + "\n" : FleetTableRenderer.Render(snapshot, now);
                env.Out.Write(command.Watch && !command.Json && env.OutputIsTerminal ? ClearScreen + text : text);
                if (command.Watch && !command.Json && !env.OutputIsTerminal)
                {
                    env.Out.Write('\n');
                }

                env.Out.Flush();
                if (snapshot.Rejected > rejected)
                {
                    env.Error.WriteLine($"agent-sessions: note: {snapshot.Rejected - rejected} fleet message(s) failed verification (wrong key, or a host or workspace not its topic's) and are not shown.");
                    rejected = snapshot.Rejected;
                }

                if (!command.Watch)
                {
                    return ExitCodes.Ok;
                }
            }
        }
        catch (InvalidOperationException e) when (!cancellationToken.IsCancellationRequested)
        {
            env.Error.WriteLine("agent-sessions: " + e.Message);
            return ExitCodes.BrokerUnavailable;
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// <c>status --watch</c> for one workspace: shows the status, then again each time a pass or an event
    /// changes the registry or the drift state (a file-system notification, not a timer).
    /// </summary>
    private async Task<int> WatchStatusAsync(StatusCommand command, CliSettings settings, CliServices services, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Watched before reading, so a change while the status is built is not missed; anew each
            // time, so a folder created since (the first registry write) is watched itself.
            using var changes = new FolderChanges([Path.GetDirectoryName(services.Store.RegistryPath)!, DriftStateFolder(settings)]);
            StatusReport report;
            try
            {
                report = await BuildStatusAsync(settings, services, cancellationToken).ConfigureAwait(false);
            }
            catch (RegistryException e)
            {
                // Someone is editing the registry: say what is wrong, and show it again once it is fixed.
                Fail(e);
                await changes.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (!command.Json && env.OutputIsTerminal)
            {
                env.Out.Write(ClearScreen);
            }

            WriteStatus(command, report);
            if (!command.Json && !env.OutputIsTerminal)
            {
                env.Out.Write('\n');
                env.Out.Flush();
            }

            await changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Where the reconciler keeps the drift state (FileDriftStateStore's rule): written by every pass that reports.</summary>
    private static string DriftStateFolder(CliSettings settings) =>
        settings.StateDirectory ?? Path.Combine(settings.WorkspaceRoot, ".cache", "tmux-agent-orchestrate-monitor");

    /// <summary>The fleet key: the first line of the key file, else <c>$AGENT_SESSIONS_FLEET_KEY</c>; never a flag value.</summary>
    private string? ReadFleetKey(string? keyFile, string commandName)
    {
        if (keyFile is null)
        {
            return NullIfEmpty(env.GetVariable(FleetPublisherOptions.KeyEnvironmentVariable)?.Trim());
        }

        var path = Path.GetFullPath(keyFile, env.CurrentDirectory);
        CheckFile(path, "--fleet-key-file", commandName);
        using var reader = new StreamReader(path);
        return NullIfEmpty(reader.ReadLine()?.Trim())
            ?? throw new UsageException($"'--fleet-key-file' file '{keyFile}' is empty; its first line is the key.", commandName);
    }

    /// <summary>A running publisher (or none); disposing it stops publishing cleanly (offline, status cleared).</summary>
    private sealed class FleetPublishing(FleetStatusPublisher? publisher, Task running, CancellationTokenSource? stop, StderrLogger? log) : IAsyncDisposable
    {
        public static FleetPublishing None => new(null, Task.CompletedTask, null, null);

        /// <summary>The pass-completed seam: never blocks the pass.</summary>
        public void OnPassCompleted(DriftReport report) => publisher?.OnPassCompleted(report);

        public async ValueTask DisposeAsync()
        {
            if (stop is not null)
            {
                await stop.CancelAsync().ConfigureAwait(false);
            }

            await running.ConfigureAwait(false);
            stop?.Dispose();
            log?.Dispose();
        }
    }
}
