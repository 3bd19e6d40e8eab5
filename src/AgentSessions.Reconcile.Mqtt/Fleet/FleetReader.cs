using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Reads the fleet (docs/fleet.md): subscribes to <c>{prefix}/hosts/+/workspaces/+/status</c> and
/// <c>{prefix}/hosts/+/online</c>, gathers the retained messages (until the broker has been quiet for
/// <see cref="FleetReaderOptions.Settle"/>, at most <see cref="FleetReaderOptions.GatherTimeout"/>),
/// verifies each with the fleet key, and keeps the ones that pass. A message that fails (wrong key,
/// not canonical, a host or workspace other than its topic's) is not shown, and counted.
/// </summary>
public sealed class FleetReader
{
    private readonly FleetReaderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, bool> _online = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Host, string Workspace), Entry> _statuses = [];
    private readonly Wake _wake;
    private BrokerState? _state;
    private int _rejected;

    /// <summary>Initializes a new instance of the <see cref="FleetReader"/> class.</summary>
    /// <param name="options">The broker, prefix and key.</param>
    /// <param name="timeProvider">The clock (staleness); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names each problem.</exception>
    public FleetReader(FleetReaderOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        MqttTriggerOptions.ThrowIfAny([.. options.Connection.Validate(), .. FleetPublisherOptions.KeyAndPrefixProblems(options.Key, options.Prefix)], nameof(options));

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _wake = new Wake(_time);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AgentSessions.Reconcile.Mqtt.Fleet");
    }

    /// <summary>Connects, gathers the retained messages once, and disconnects.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The fleet as the broker holds it.</returns>
    /// <exception cref="InvalidOperationException">The broker cannot be used; the message says why in one sentence.</exception>
    public async Task<FleetSnapshot> ReadAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var snapshot in WatchAsync(cancellationToken).ConfigureAwait(false))
        {
            return snapshot;
        }

        throw new OperationCanceledException(cancellationToken);
    }

    /// <summary>
    /// Gathers the fleet, then yields it again on every change: a retained update, a host going offline,
    /// a status turning stale. Never on a timer. A lost broker is reconnected in the background.
    /// </summary>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The snapshots, the first after gathering.</returns>
    /// <exception cref="InvalidOperationException">The broker cannot be used at the start; the message says why.</exception>
    public async IAsyncEnumerable<FleetSnapshot> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var connection = new BrokerConnection(
            _options.Connection,
            FleetWire.Filters(_options.Prefix),
            _options.Connection.ClientId ?? "agent-sessions-fleet-view-" + Guid.NewGuid().ToString("N")[..12],
            OnMessage,
            OnState,
            _time,
            _logger,
            b => b.WithCleanStart(true).WithSessionExpiryInterval(0));
        await using (connection.ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var connecting = connection.RunAsync(stop.Token);
            try
            {
                await WaitForFirstStateAsync(cancellationToken).ConfigureAwait(false);
                yield return await GatherAsync(cancellationToken).ConfigureAwait(false);
                while (true)
                {
                    var (_, nextChange) = Snapshot();
                    await _wake.WaitAsync(nextChange, cancellationToken).ConfigureAwait(false);
                    yield return Snapshot().Snapshot;
                }
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await connecting.ConfigureAwait(false);
            }
        }
    }

    private async Task WaitForFirstStateAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            BrokerState? state;
            lock (_gate)
            {
                state = _state;
            }

            if (state is { Connected: true })
            {
                return;
            }

            if (state is { Problem: { } problem })
            {
                throw new InvalidOperationException($"cannot use the broker {_options.Connection.Broker}: {problem}.");
            }

            await _wake.WaitAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until no message came for the settle time (bounded by the gather timeout).</summary>
    private async Task<FleetSnapshot> GatherAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (_time.GetElapsedTime(started) < _options.GatherTimeout)
        {
            if (!await _wake.WaitAsync(_options.Settle, cancellationToken).ConfigureAwait(false))
            {
                break;
            }
        }

        return Snapshot().Snapshot;
    }

    private (FleetSnapshot Snapshot, TimeSpan NextChange) Snapshot()
    {
        var now = _time.GetUtcNow();
        var next = Timeout.InfiniteTimeSpan;
        lock (_gate)
        {
            var hosts = new SortedDictionary<string, List<FleetWorkspace>>(StringComparer.Ordinal);
            foreach (var host in _online.Keys)
            {
                hosts[host] = [];
            }

            foreach (var ((host, workspace), entry) in _statuses)
            {
                var staleAt = entry.PublishedAt + (3 * entry.Interval);
                var stale = now > staleAt;
                if (!stale && (next == Timeout.InfiniteTimeSpan || staleAt - now < next))
                {
                    next = staleAt - now + TimeSpan.FromSeconds(1);
                }

                if (!hosts.TryGetValue(host, out var list))
                {
                    hosts[host] = list = [];
                }

                list.Add(new FleetWorkspace { Workspace = workspace, PublishedAt = entry.PublishedAt, Interval = entry.Interval, Stale = stale, Status = entry.Status });
            }

            var snapshot = new FleetSnapshot
            {
                Rejected = _rejected,
                Hosts = [.. hosts.Select(h => new FleetHost
                {
                    Host = h.Key,
                    Online = _online.TryGetValue(h.Key, out var online) ? online : null,
                    Workspaces = [.. h.Value.OrderBy(w => w.Workspace, StringComparer.Ordinal)],
                })],
            };
            return (snapshot, next);
        }
    }

    private Task OnMessage(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (!FleetWire.TryParseTopic(message.Topic, _options.Prefix, out var host, out var workspace))
        {
            return Task.CompletedTask;
        }

        var payload = System.Buffers.BuffersExtensions.ToArray(message.Payload);
        lock (_gate)
        {
            if (payload.Length == 0)
            {
                // A cleared retained message: the host stopped cleanly.
                _ = workspace is null ? _online.Remove(host) : _statuses.Remove((host, workspace));
            }
            else if (!Accept(host, workspace, payload))
            {
                _rejected++;
            }
        }

        _wake.Signal();
        return Task.CompletedTask;
    }

    private bool Accept(string host, string? workspace, byte[] payload)
    {
        if (FleetWire.Verify(payload, _options.Key!) is not { } root
            || !root.TryGetProperty("host", out var h) || h.ValueKind != JsonValueKind.String || h.GetString() != host)
        {
            return false;
        }

        if (workspace is null)
        {
            if (!root.TryGetProperty("online", out var online) || online.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return false;
            }

            _online[host] = online.GetBoolean();
            return true;
        }

        if (!root.TryGetProperty("workspace", out var w) || w.ValueKind != JsonValueKind.String || w.GetString() != workspace
            || !root.TryGetProperty("published_at", out var p) || p.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParseExact(p.GetString(), "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var publishedAt)
            || !root.TryGetProperty("interval", out var i) || i.ValueKind != JsonValueKind.Number || !i.TryGetInt32(out var interval) || interval < 1
            || !root.TryGetProperty("sessions", out var sessions) || sessions.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        _statuses[(host, workspace)] = new Entry(publishedAt, TimeSpan.FromSeconds(interval), root);
        return true;
    }

    private void OnState(BrokerState state)
    {
        lock (_gate)
        {
            _state = state;
        }

        _wake.Signal();
    }

    private sealed record Entry(DateTimeOffset PublishedAt, TimeSpan Interval, JsonElement Status);
}
