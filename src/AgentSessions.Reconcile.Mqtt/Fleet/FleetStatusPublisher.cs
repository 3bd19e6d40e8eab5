using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Protocol;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Publishes one workspace's status to the fleet (docs/fleet.md): retained, QoS 1, signed with the fleet
/// key, to <c>{prefix}/hosts/{host}/workspaces/{workspace}/status</c>, after each pass that changed it
/// (<see cref="OnPassCompleted"/>) and at least every <see cref="FleetPublisherOptions.Heartbeat"/>; and
/// the host's presence, <c>{prefix}/hosts/{host}/online</c>: <c>true</c> on connect, <c>false</c> as the
/// Last Will and on a clean stop (which also clears the status). Best-effort and off the pass: a pass
/// only sets a flag; reading the status and publishing happen here, each bounded by
/// <see cref="FleetPublisherOptions.PublishTimeout"/>; a broker that is down is retried in the background.
/// </summary>
public sealed partial class FleetStatusPublisher
{
    private readonly FleetPublisherOptions _options;
    private readonly Func<CancellationToken, Task<byte[]>> _readStatus;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _host;
    private readonly string _workspace;
    private readonly Wake _wake;
    private readonly Lock _gate = new();
    private bool _statusDue = true;
    private bool _announce;
    private bool _connected;
    private bool? _tmuxKnown;
    private int _published;

    /// <summary>Initializes a new instance of the <see cref="FleetStatusPublisher"/> class.</summary>
    /// <param name="options">The broker, host id, prefix and key (validated here).</param>
    /// <param name="workspace">The workspace name, <c>[A-Za-z0-9._-]{1,128}</c> (one topic level).</param>
    /// <param name="readStatus">Reads the workspace's status as one UTF-8 JSON object (<c>agent-sessions status --json</c>); it must carry no secret.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for nowhere.</param>
    /// <exception cref="ArgumentException">The options or the workspace name are invalid; the message names each problem.</exception>
    public FleetStatusPublisher(
        FleetPublisherOptions options,
        string workspace,
        Func<CancellationToken, Task<byte[]>> readStatus,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(readStatus);
        var problems = new List<string>(options.Validate());
        if (!FleetWire.IsValidName(workspace))
        {
            problems.Add($"The workspace name '{workspace}' must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-' to be a fleet topic level.");
        }

        MqttTriggerOptions.ThrowIfAny(problems, nameof(options));

        _options = options;
        _readStatus = readStatus;
        _time = timeProvider ?? TimeProvider.System;
        _wake = new Wake(_time);
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("AgentSessions.Reconcile.Mqtt.Fleet");
        _host = options.EffectiveHostId;
        _workspace = workspace;
        StatusTopic = FleetWire.StatusTopic(options.Prefix, _host, workspace);
        OnlineTopic = FleetWire.OnlineTopic(options.Prefix, _host);
    }

    /// <summary>Gets the status topic: <c>{prefix}/hosts/{host}/workspaces/{workspace}/status</c>.</summary>
    public string StatusTopic { get; }

    /// <summary>Gets the presence topic: <c>{prefix}/hosts/{host}/online</c>.</summary>
    public string OnlineTopic { get; }

    /// <summary>Gets how many statuses were published so far (tests, metrics).</summary>
    public int PublishedCount => Volatile.Read(ref _published);

    /// <summary>
    /// The pass-completed seam: tells the publisher a pass finished. Never blocks and never throws; a
    /// pass that wrote the registry, reported drift or changed whether tmux could be asked makes the
    /// status due now, others leave it to the heartbeat.
    /// </summary>
    /// <param name="report">The pass's report.</param>
    public void OnPassCompleted(DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            if (report.RegistryWritten || report.Drifts.Count > 0 || _tmuxKnown != report.TmuxKnown)
            {
                _statusDue = true;
            }

            _tmuxKnown = report.TmuxKnown;
        }

        _wake.Signal();
    }

    /// <summary>
    /// Connects (and reconnects) and publishes until cancelled; then, if connected, publishes the clean
    /// stop (an empty retained status and <c>online: false</c>) within <see cref="FleetPublisherOptions.PublishTimeout"/>
    /// and returns. Never throws for broker trouble.
    /// </summary>
    /// <param name="cancellationToken">Stops publishing.</param>
    /// <returns>A task that completes after the clean stop.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var offline = Presence(online: false);
        var connection = new BrokerConnection(
            _options.Connection,
            [],
            _options.Connection.ClientId ?? $"agent-sessions-fleet-{_host}-{_workspace}",
            _ => Task.CompletedTask,
            OnState,
            _time,
            _logger,
            b => b.WithCleanStart(true)
                .WithSessionExpiryInterval(0)
                .WithKeepAlivePeriod(_options.KeepAlive)
                .WithWillTopic(OnlineTopic)
                .WithWillPayload(offline)
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        await using (connection.ConfigureAwait(false))
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var connecting = connection.RunAsync(stop.Token);
            try
            {
                await PublishLoopAsync(connection.Client, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: the clean stop follows.
            }
            finally
            {
                await stop.CancelAsync().ConfigureAwait(false);
                await connecting.ConfigureAwait(false);
            }

            if (connection.Client.IsConnected)
            {
                // Cleared first: a reader never sees a live status of a host that says it is offline.
                await PublishQuietlyAsync(connection.Client, StatusTopic, [], CancellationToken.None).ConfigureAwait(false);
                await PublishQuietlyAsync(connection.Client, OnlineTopic, offline, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task PublishLoopAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var lastStatus = long.MinValue;
        while (true)
        {
            bool announce, due;
            lock (_gate)
            {
                due = _connected && (_statusDue || lastStatus == long.MinValue || _time.GetElapsedTime(lastStatus) >= _options.Heartbeat);
                _statusDue &= !due;

                // Said again with each status: a stale Last Will (an old connection's) never outlives a live host.
                announce = _connected && (_announce || due);
                _announce &= !announce;
            }

            if (announce)
            {
                await PublishQuietlyAsync(client, OnlineTopic, Presence(online: true), cancellationToken).ConfigureAwait(false);
            }

            if (due)
            {
                if (await StatusPayloadAsync(cancellationToken).ConfigureAwait(false) is { } payload
                    && await PublishQuietlyAsync(client, StatusTopic, payload, cancellationToken).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref _published);
                }

                // Tried: the next try is the next change or the next heartbeat, never a tight retry loop.
                lastStatus = _time.GetTimestamp();
            }

            var wait = lastStatus == long.MinValue ? Timeout.InfiniteTimeSpan : _options.Heartbeat - _time.GetElapsedTime(lastStatus);
            await _wake.WaitAsync(wait > TimeSpan.Zero || wait == Timeout.InfiniteTimeSpan ? wait : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The status object plus <c>host</c>, <c>published_at</c> and <c>interval</c>, signed; null when it cannot be read now.</summary>
    private async Task<byte[]?> StatusPayloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(_options.PublishTimeout);
            var status = await _readStatus(bounded.Token).ConfigureAwait(false);
            using var document = JsonDocument.Parse(status);
            var buffer = new ArrayBufferWriter<byte>(status.Length + 128);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name is not ("host" or "published_at" or "interval" or "sig"))
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteString("host", _host);
                writer.WriteString("published_at", _time.GetUtcNow().UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture));
                writer.WriteNumber("interval", (long)Math.Ceiling(_options.Heartbeat.TotalSeconds));
                writer.WriteEndObject();
            }

            return FleetWire.Sign(buffer.WrittenSpan, _options.Key!);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Best-effort: a status that cannot be read now is said once per try and tried again later.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogStatusUnreadable(_logger, e.Message);
            return null;
        }
    }

    private byte[] Presence(bool online)
    {
        var json = $"{{\"host\":\"{_host}\",\"online\":{(online ? "true" : "false")}}}";
        return FleetWire.Sign(Encoding.UTF8.GetBytes(json), _options.Key!);
    }

    private async Task<bool> PublishQuietlyAsync(IMqttClient client, string topic, byte[] payload, CancellationToken cancellationToken)
    {
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(_options.PublishTimeout);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag(true)
                .Build();
            var result = await client.PublishAsync(message, bounded.Token).ConfigureAwait(false);
            if (result.ReasonCode is MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers)
            {
                return true;
            }

            LogNotPublished(_logger, topic, result.ReasonCode.ToString());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Broker trouble never stops publishing: said, and tried again at the next change or heartbeat.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogNotPublished(_logger, topic, e.Message);
        }

        return false;
    }

    private void OnState(BrokerState state)
    {
        lock (_gate)
        {
            _announce |= state.Connected && !_connected;
            _statusDue |= state.Connected && !_connected;
            _connected = state.Connected;
        }

        _wake.Signal();
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Fleet status not published to {Topic}: {Problem}")]
    private static partial void LogNotPublished(ILogger logger, string topic, string problem);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Fleet status could not be read for publishing: {Problem}")]
    private static partial void LogStatusUnreadable(ILogger logger, string problem);
}
