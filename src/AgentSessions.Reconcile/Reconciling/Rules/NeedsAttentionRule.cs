using AgentSessions.Reconcile.Attention;

namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>
/// F: a running row whose agent needs its human: waiting (permission or question) for longer
/// than <see cref="DiffOptions.AttentionAfter"/>, or limited, or wedged (<see cref="LiveKeys.Attention"/>).
/// Report only: the registry is not written (a working ↔ idle toggle never writes anything). The
/// sentence says who, what, since when and the evidence; it changes only with a new episode
/// (another state, reason or start), so the coalescer reports each episode once.
/// </summary>
internal sealed class NeedsAttentionRule() : DriftRule(NeedsAttention)
{
    public static readonly DriftClass NeedsAttention = new('F', "NeedsAttention", needsTmux: true);

    public override void Need(ObservationNeeds needs)
    {
        if (needs.Registry.Sessions.Any(r => r.Status == SessionStatus.Running))
        {
            needs.Of(LiveKeys.Attention);
        }
    }

    public override void Plan(DiffContext diff, SessionRow row)
    {
        if (row.Status != SessionStatus.Running)
        {
            return;
        }

        var key = Key(row.Name);
        if (!diff.Tmux.IsKnown || !diff.Live.Get(LiveKeys.Attention).TryGetValue(row.Name, out var attention) || attention.State == AttentionState.Unknown)
        {
            // Could not look (or no source could tell): an episode already reported stays reported.
            diff.Undecided(key);
            return;
        }

        var state = new AttentionState(attention.State, attention.Reason, attention.Since, attention.Source, attention.Evidence, attention.Tool);
        if (state.NeedsAttention(diff.Now, diff.Options.AttentionAfter ?? TimeSpan.FromSeconds(60)))
        {
            diff.Drifts.Add(Drift(row.Name, Sentence(row.Name, attention), field: null, before: null, after: null, mutation: null));
        }
    }

    /// <summary>"lab-api-creator-claude waits for permission to run Bash since 10:02:11 (hook Notification)."</summary>
    internal static string Sentence(string name, SessionAttention a)
    {
        var what = (a.State, a.Reason) switch
        {
            (AttentionState.Waiting, "permission") => a.Tool is { } tool ? $"waits for permission to run {tool}" : "waits for permission",
            (AttentionState.Waiting, "question") => "waits for an answer to its question",
            (AttentionState.Waiting, _) => "waits for its human",
            (AttentionState.Limited, "usage_limit") => "is stopped by a usage limit",
            (AttentionState.Limited, _) => "is stopped by an API error",
            (AttentionState.Wedged, _) => "is wedged: working, but no progress",
            _ => "needs attention",
        };
        var since = a.Since is { } t ? $" since {AttentionResolver.Clock(t)}" : string.Empty;
        return $"{name} {what}{since} ({a.Evidence}).";
    }
}
