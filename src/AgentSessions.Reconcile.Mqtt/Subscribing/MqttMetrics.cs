using System.Diagnostics.Metrics;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>The subscriber's instruments, on the core's <c>AgentSessions.Reconcile</c> meter.</summary>
internal sealed class MqttMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _verified;
    private readonly Counter<long> _dropped;
    private readonly Histogram<double> _eventToWrite;

    public MqttMetrics(IMeterFactory? meterFactory)
    {
        const string MeterName = "AgentSessions.Reconcile";
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _received = _meter.CreateCounter<long>("agent_sessions.mqtt.events.received", "{event}", "Job event messages received from the broker.");
        _verified = _meter.CreateCounter<long>("agent_sessions.mqtt.events.verified", "{event}", "Job events that passed every check.");
        _dropped = _meter.CreateCounter<long>("agent_sessions.mqtt.events.dropped", "{event}", "Job events dropped, by reason.");
        _eventToWrite = _meter.CreateHistogram<double>("agent_sessions.mqtt.event_to_pass.duration", "s", "From a verified event's arrival to the end of the pass that carried it (tag written: whether that pass wrote the registry).");
    }

    public void Received() => _received.Add(1);

    public void Verified() => _verified.Add(1);

    public void Dropped(string reason) => _dropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void EventToPass(TimeSpan elapsed, bool written) =>
        _eventToWrite.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("written", written));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
