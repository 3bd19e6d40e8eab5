using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile.Tests.Recipes;

/// <summary>
/// A test-only drift rule, written as docs/architecture.md's recipe says: Z, a running row whose
/// folder holds a <c>.stuck</c> file is reported (report only). It needs the stuck markers of the
/// folders of running rows.
/// </summary>
internal sealed class StuckRule() : DriftRule(Stuck)
{
    public static readonly DriftClass Stuck = new('Z', "Stuck");

    public override string ReportOnly => "Left to a person.";

    public override void Need(ObservationNeeds needs)
    {
        foreach (var row in needs.Registry.Sessions)
        {
            if (row.Status == SessionStatus.Running && row.Cwd is { Length: > 0 } cwd)
            {
                needs.Of(StuckMarkerSource.Markers).Cwds.Add(cwd);
            }
        }
    }

    public override void Plan(DiffContext diff, SessionRow row)
    {
        if (row.Status == SessionStatus.Running && row.Cwd is { Length: > 0 } cwd && diff.Live.Get(StuckMarkerSource.Markers).Contains(cwd))
        {
            diff.Drifts.Add(Drift(row.Name, $"{row.Name}: {cwd} holds a .stuck marker.", field: null, before: null, after: null, mutation: null));
        }
    }
}
