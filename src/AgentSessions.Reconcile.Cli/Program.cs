using System.Runtime.InteropServices;
using System.Text;
using AgentSessions.Reconcile.Cli.Running;

var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
using var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8) { AutoFlush = false, NewLine = "\n" };
using var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true, NewLine = "\n" };

// Claude Code runs `agent-sessions hook` on every hook event: straight to the recorder, no parser, no signals.
if (args is ["hook"])
{
    using var input = Console.OpenStandardInput();
    new AgentSessions.Reconcile.Cli.Hooks.HookRecorder(TimeProvider.System).Run(input, stderr);
    return 0;
}

using var cts = new CancellationTokenSource();
var stop = new StopSignal();

void OnSignal(PosixSignalContext context)
{
    // Cancel the token instead of dying: the loop ends between passes or the pass unwinds cleanly.
    context.Cancel = true;
    stop.Record(context.Signal);
    cts.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

var environment = new CliEnvironment
{
    GetVariable = Environment.GetEnvironmentVariable,
    CurrentDirectory = Environment.CurrentDirectory,
    Out = stdout,
    Error = stderr,
    OutputIsTerminal = !Console.IsOutputRedirected,
    Services = new DefaultCliServicesFactory(),
};

var code = await new CliApp(environment, stop).RunAsync(args, cts.Token).ConfigureAwait(false);
await stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
return code;
