#:project ../../../src/AgentSessions.Reconcile.Hermes/AgentSessions.Reconcile.Hermes.csproj
#:property TreatWarningsAsErrors=false
#:property NoWarn=$(NoWarn);CA1707;CA2007;CA1515;CS1591
using AgentSessions.Reconcile;
using AgentSessions.Reconcile.Hermes;

var db = args[0];
IKanbanGateway G(string task, string? run) => HermesKanban.CreateSqliteGateway(new HermesKanbanOptions
{
    Environment = new Dictionary<string, string?>
    {
        ["HERMES_KANBAN_DB"] = db, ["HERMES_KANBAN_TASK"] = task, ["HERMES_KANBAN_RUN_ID"] = run,
        ["HERMES_KANBAN_CLAIM_LOCK"] = "host:42", ["HERMES_PROFILE"] = "coder",
    },
});
var body = "  drift: ünïcode \"quoted\" \\ path\n\tdone 🚀  ";
Console.WriteLine(await G("t_a", "1").CommentAsync(body));
Console.WriteLine(await G("t_a", "1").HeartbeatAsync("alive, 2 drifts"));
Console.WriteLine(await G("t_b", "2").BlockAsync("stop-requested by user", KanbanBlockKind.NeedsInput));
Console.WriteLine(await G("t_c", "3").BlockAsync("still", KanbanBlockKind.NeedsInput));
Console.WriteLine(await G("t_d", "4").BlockAsync("wait", KanbanBlockKind.Dependency));
Console.WriteLine(await G("t_e", null).BlockAsync("cannot start", null));
