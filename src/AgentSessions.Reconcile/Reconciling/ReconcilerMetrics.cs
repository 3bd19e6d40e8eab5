using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>The reconciler's instruments on the <c>AgentSessions.Reconcile</c> meter.</summary>
internal sealed class ReconcilerMetrics : IDisposable
{
    public const string MeterName = "AgentSessions.Reconcile";
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _passes;
    private readonly Counter<long> _drifts;
    private readonly Counter<long> _probeFailures;
    private readonly Histogram<double> _passDuration;

    public ReconcilerMetrics(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);

        _passes = _meter.CreateCounter<long>("agent_sessions.reconcile.passes", "{pass}", "Reconcile passes run, by trigger and outcome.");
        _drifts = _meter.CreateCounter<long>("agent_sessions.reconcile.drifts", "{drift}", "New (not coalesced) drifts reported, by class.");
        _probeFailures = _meter.CreateCounter<long>("agent_sessions.reconcile.probe_failures", "{failure}", "Probes that could not see (tmux unknown, artifact probe or capture failed), by probe.");
        _passDuration = _meter.CreateHistogram<double>("agent_sessions.reconcile.pass.duration", "s", "Duration of a reconcile pass.");
    }

    public void PassCompleted(ReconcileTrigger trigger, bool dryRun, string outcome, TimeSpan duration)
    {
        var tags = new TagList
        {
            { "trigger", trigger.ToString().ToLowerInvariant() },
            { "dry_run", dryRun },
            { "outcome", outcome },
        };
        _passes.Add(1, tags);
        _passDuration.Record(duration.TotalSeconds, tags);
    }

    public void DriftReported(DriftClass driftClass) =>
        _drifts.Add(1, new KeyValuePair<string, object?>("class", driftClass.Letter.ToString()));

    public void ProbeFailed(string probe) =>
        _probeFailures.Add(1, new KeyValuePair<string, object?>("probe", probe));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
