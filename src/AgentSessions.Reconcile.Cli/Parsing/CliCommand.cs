namespace AgentSessions.Reconcile.Cli.Parsing;

/// <summary>What the command line asked for.</summary>
internal abstract class CliCommand
{
}

/// <summary><c>agent-sessions --help</c>, <c>help [command]</c> or <c>&lt;command&gt; --help</c>.</summary>
internal sealed class HelpCommand(string? topic) : CliCommand
{
    /// <summary>Gets the command whose help is wanted, or <see langword="null"/> for the overview.</summary>
    public string? Topic { get; } = topic;
}

/// <summary><c>agent-sessions --version</c>.</summary>
internal sealed class VersionCommand : CliCommand
{
}

/// <summary>Options shared by every command that looks at a workspace.</summary>
internal abstract class WorkspaceCommand : CliCommand
{
    /// <summary>Gets or sets the explicit workspace root (<c>--workspace</c>), or <see langword="null"/> to search from the current folder.</summary>
    public string? Workspace { get; set; }

    /// <summary>Gets or sets the tmux socket name (<c>--tmux-socket</c>, tmux <c>-L</c>).</summary>
    public string? TmuxSocketName { get; set; }

    /// <summary>Gets or sets the tmux socket path (<c>--tmux-socket-path</c>, tmux <c>-S</c>).</summary>
    public string? TmuxSocketPath { get; set; }

    /// <summary>Gets or sets how long a working agent may show no progress before it is wedged (<c>--wedged-after</c>), or <see langword="null"/> for 15 min.</summary>
    public TimeSpan? WedgedAfter { get; set; }
}

/// <summary><c>agent-sessions reconcile …</c>.</summary>
internal sealed class ReconcileCommand : WorkspaceCommand
{
    /// <summary>Gets or sets a value indicating whether to run a single pass (<c>--once</c>).</summary>
    public bool Once { get; set; }

    /// <summary>Gets or sets a value indicating whether to print the JSON report on stdout (<c>--emit-diff</c>).</summary>
    public bool EmitDiff { get; set; }

    /// <summary>Gets or sets a value indicating whether to change nothing on disk (<c>--dry-run</c>).</summary>
    public bool DryRun { get; set; }

    /// <summary>Gets or sets the explicit polling interval (<c>--interval</c>), or <see langword="null"/>.</summary>
    public TimeSpan? Interval { get; set; }

    /// <summary>Gets or sets how long a row may wait for its human before drift F (<c>--attention-after</c>), or <see langword="null"/> for 60 s.</summary>
    public TimeSpan? AttentionAfter { get; set; }

    /// <summary>Gets or sets the push-monitoring settings (<c>--subscribe</c>), or <see langword="null"/> to poll only.</summary>
    public SubscribeSettings? Subscribe { get; set; }

    /// <summary>Gets or sets the fleet publishing settings (<c>--publish-status</c>), or <see langword="null"/>.</summary>
    public PublishSettings? Publish { get; set; }

    /// <summary>Gets or sets the broker options given without <c>--subscribe</c> (for <c>--publish-status</c>).</summary>
    public BrokerSettings? Broker { get; set; }
}

/// <summary>Where the broker is: <c>--broker</c>, <c>--broker-ca</c>, <c>--broker-password-file</c> (each null when not given).</summary>
/// <param name="Url">The broker URL.</param>
/// <param name="CaFile">The CA file.</param>
/// <param name="PasswordFile">The password file.</param>
internal sealed record BrokerSettings(string? Url, string? CaFile, string? PasswordFile);

/// <summary>The <c>--publish-status</c> options of <c>reconcile</c>. The key never comes from the command line.</summary>
internal sealed record PublishSettings
{
    /// <summary>Gets the host id (<c>--host-id</c>), or <see langword="null"/> for the machine's name.</summary>
    public string? HostId { get; init; }

    /// <summary>Gets the fleet prefix (<c>--fleet-prefix</c>), or <see langword="null"/> for the default.</summary>
    public string? Prefix { get; init; }

    /// <summary>Gets the fleet key file (<c>--fleet-key-file</c>), or <see langword="null"/> for <c>$AGENT_SESSIONS_FLEET_KEY</c>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>Gets the MQTT keep-alive (<c>--fleet-keep-alive</c>), or <see langword="null"/> for the default.</summary>
    public TimeSpan? KeepAlive { get; init; }
}

/// <summary>The <c>status --fleet</c> options.</summary>
internal sealed record FleetSettings
{
    /// <summary>Gets the broker options.</summary>
    public required BrokerSettings Broker { get; init; }

    /// <summary>Gets the fleet prefix (<c>--fleet-prefix</c>), or <see langword="null"/> for the default.</summary>
    public string? Prefix { get; init; }

    /// <summary>Gets the fleet key file (<c>--fleet-key-file</c>), or <see langword="null"/> for <c>$AGENT_SESSIONS_FLEET_KEY</c>.</summary>
    public string? KeyFile { get; init; }
}

/// <summary>The <c>--subscribe</c> options of <c>reconcile</c>. Credentials never come from the command line.</summary>
internal sealed record SubscribeSettings
{
    /// <summary>Gets the wall-clock limit (<c>--timeout</c>); zero for none.</summary>
    public TimeSpan Timeout { get; init; }

    /// <summary>Gets how long without a message ends the run (<c>--idle-timeout</c>); zero for never.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Gets the broker URL (<c>--broker</c>), or <see langword="null"/> for the environment's or the default.</summary>
    public string? Broker { get; init; }

    /// <summary>Gets the CA file (<c>--broker-ca</c>), or <see langword="null"/>.</summary>
    public string? CaFile { get; init; }

    /// <summary>Gets the password file (<c>--broker-password-file</c>), or <see langword="null"/>.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>Gets the topic prefix (<c>--topic-prefix</c>), or <see langword="null"/> for <c>agent-sessions/{workspace}</c>.</summary>
    public string? TopicPrefix { get; init; }

    /// <summary>Gets a value indicating whether a verified terminal event that ends a row kills its tmux session (<c>--kill-on-terminal</c>).</summary>
    public bool KillOnTerminal { get; init; }
}

/// <summary><c>agent-sessions status …</c>.</summary>
internal sealed class StatusCommand : WorkspaceCommand
{
    /// <summary>Gets or sets a value indicating whether to print JSON instead of a table (<c>--json</c>).</summary>
    public bool Json { get; set; }

    /// <summary>Gets or sets a value indicating whether to keep showing, redrawn on each change (<c>--watch</c>).</summary>
    public bool Watch { get; set; }

    /// <summary>Gets or sets the fleet view's settings (<c>--fleet</c>), or <see langword="null"/> for this workspace.</summary>
    public FleetSettings? Fleet { get; set; }
}

/// <summary>A <c>[suggest:N]</c> directive: the shell asks for completions (System.CommandLine answers).</summary>
internal sealed class CompletionCommand(System.CommandLine.ParseResult result) : CliCommand
{
    /// <summary>Gets the parse result whose completion action writes the candidates.</summary>
    public System.CommandLine.ParseResult Result { get; } = result;
}

/// <summary><c>agent-sessions demo</c>.</summary>
internal sealed class DemoCommand : CliCommand
{
}

/// <summary><c>agent-sessions hook</c>: record one Claude Code hook event read on stdin.</summary>
internal sealed class HookRecordCommand : CliCommand
{
}

/// <summary><c>agent-sessions hook install | uninstall [--user | --project DIR]</c>.</summary>
internal sealed class HookSettingsCommand : CliCommand
{
    /// <summary>Gets or sets a value indicating whether to add the entries (else remove them).</summary>
    public bool Install { get; set; }

    /// <summary>Gets or sets the project folder (<c>--project</c>), or <see langword="null"/> for the user's settings (<c>--user</c>).</summary>
    public string? Project { get; set; }
}
