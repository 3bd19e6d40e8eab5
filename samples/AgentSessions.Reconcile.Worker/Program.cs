// agent-sessions-worker: the goal-mode monitor of a workspace's agent sessions, as a Generic Host.
// Every interval a reconcile pass; new drifts become one comment on the Hermes card; a heartbeat
// every 5 minutes; a person's "stop" comment blocks the card (needs_input) and ends the process (0).
// Options (WorkerSettings.cs; --help prints them): --workspace, --tmux-socket[-path], --interval, --heartbeat-interval, --gateway, --broker, --publish-status, --host-id.
using AgentSessions.Reconcile;
using AgentSessions.Reconcile.Hermes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(WorkerSettings.Usage);
    return 0;
}

WorkerSettings settings;
try
{
    settings = WorkerSettings.Read(args, Environment.GetEnvironmentVariable, RegistryStore.FindWorkspaceRoot);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine("agent-sessions-worker: " + e.Message);
    return 2;
}

var builder = Host.CreateApplicationBuilder(); // the settings above are all the configuration it reads
builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout is the jsonl card
builder.Services.AddAgentSessionsReconcile(o =>
{
    o.WorkspaceRoot = settings.Workspace;
    o.Probe.TmuxSocketName = settings.TmuxSocket;
    o.Probe.TmuxSocketPath = settings.TmuxSocketPath;
    o.Reconciler.PollInterval = settings.Interval; // an explicit interval is fixed, as in the CLI
});
if (settings.Gateway is "jsonl")
{
    builder.Services.AddSingleton<IKanbanGateway>(_ => new JsonLinesKanbanGateway(new JsonLinesKanbanGatewayOptions
    {
        IncomingComments = Console.In,
        TaskId = Environment.GetEnvironmentVariable("HERMES_KANBAN_TASK"),
        SelfAuthor = Environment.GetEnvironmentVariable("HERMES_PROFILE") is { Length: > 0 } p ? p : "worker",
    }));
}
else
{
    // The board, task, run and claim come from the HERMES_KANBAN_* variables the dispatcher sets.
    builder.Services.AddHermesKanbanGateway(o => o.Gateway = settings.Gateway is "cli" ? HermesKanbanGatewayKind.Cli : HermesKanbanGatewayKind.Sqlite);
}

builder.Services.AddAgentSessionsMonitor(o => o.HeartbeatInterval = settings.HeartbeatInterval ?? o.HeartbeatInterval);

if (settings.Broker is { } broker)
{
    // Push monitoring: verified job events are passes of the monitor's loop (docs/mqtt.md).
    builder.Services.AddReconcileMqttTrigger(o =>
    {
        o.Broker = broker;
        o.ApplyEnvironment(Environment.GetEnvironmentVariable);
        o.TmuxSocketName = settings.TmuxSocket;
        o.TmuxSocketPath = settings.TmuxSocketPath;
    });
    if (settings.PublishStatus)
    {
        // The fleet view: the workspace's status, signed, retained on the broker (docs/fleet.md).
        builder.Services.AddReconcileFleetStatus(o =>
        {
            o.Connection.Broker = broker;
            o.ApplyEnvironment(Environment.GetEnvironmentVariable);
            o.HostId = settings.HostId ?? o.HostId;
        });
    }
}

await builder.Build().RunAsync().ConfigureAwait(false);
return Environment.ExitCode; // 0, or 78 when the options do not validate (the log says what to set)
