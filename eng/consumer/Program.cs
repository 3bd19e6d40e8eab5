// The consumer test's host (eng/consumer-test.sh copies it into a fresh project that references the
// packages from the local feed only): the monitor hosted with DI on the Testing package's fakes.
using System.Diagnostics;
using AgentSessions.Reconcile;
using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var stateDir = Path.Combine(Path.GetTempPath(), "asr-consumer-" + Guid.NewGuid().ToString("N"));
var store = new FakeRegistryStore();
var probe = new FakeSessionProbe()
    .AddTmuxSession("lab-api-creator-claude", cwd: "/home/u/lab/api", pid: 4242, command: "claude");
var card = new FakeKanbanGateway();

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<IReconciler>(Reconciler.Create(store, probe,
    new ReconcilerOptions { WorkspaceName = "lab", StateDirectory = stateDir, PollInterval = TimeSpan.FromSeconds(1) }));
builder.Services.AddSingleton<IKanbanGateway>(card);
builder.Services.AddAgentSessionsMonitor(_ => { }); // defaults; the pass interval is the reconciler's
using var host = builder.Build();

var run = host.RunAsync();
var clock = Stopwatch.StartNew();
while (card.Comments.Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
{
    await Task.Delay(50);
}

card.AddUserComment("alice", "stop");
var stopped = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) == run;
Directory.Delete(stateDir, recursive: true);

var comment = card.Comments.Count > 0 ? card.Comments[0].Body : "(no comment)";
var row = store.Current.Find("lab-api-creator-claude");
Console.WriteLine($"comment: {comment.Split('\n')[0]} | row: {row?.Status} | stopped: {stopped}, blocks: {card.Blocks.Count}");
return row?.Status == SessionStatus.Running && comment.Contains("[B] lab-api-creator-claude") && stopped && card.Blocks.Count == 1 ? 0 : 1;
