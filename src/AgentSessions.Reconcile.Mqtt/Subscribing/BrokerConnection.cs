using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Exceptions;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Polly;
using Polly.Retry;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>What the connection is doing, as said to the monitor.</summary>
/// <param name="Connected">Whether we are connected and subscribed.</param>
/// <param name="Problem">Why we are not (one sentence), or <see langword="null"/> when connected.</param>
/// <param name="SessionPresent">Whether the broker still had our session (connected only).</param>
internal readonly record struct BrokerState(bool Connected, string? Problem, bool SessionPresent);

/// <summary>
/// One MQTT 5 client subscribed to its topic filters (the monitor's <c>{prefix}/jobs/+/events</c>; none
/// for a publisher) with QoS 1 and a persistent session (clean start off, session expiry) unless
/// <c>configure</c> says otherwise (a Last Will, a clean session). The message handler is attached
/// before connecting; a lost or refused connection is retried with a doubling backoff (Polly); the
/// subscription is renewed whenever the broker says it has no session for us.
/// </summary>
internal sealed partial class BrokerConnection : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _clientOptions;
    private readonly MqttTriggerOptions _options;
    private readonly BrokerTls? _tls;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<BrokerState> _onState;
    private readonly string _addressText;
    private TaskCompletionSource<string> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BrokerConnection(
        MqttTriggerOptions options,
        IReadOnlyList<string> topicFilters,
        string clientId,
        Func<MqttApplicationMessageReceivedEventArgs, Task> onMessage,
        Action<BrokerState> onState,
        TimeProvider time,
        ILogger logger,
        Action<MqttClientOptionsBuilder>? configure = null)
    {
        _options = options;
        TopicFilters = topicFilters;
        _time = time;
        _logger = logger;
        _onState = onState;
        if (!BrokerAddress.TryParse(options.Broker, out var address, out var error))
        {
            throw new ArgumentException(error, nameof(options));
        }

        Address = address;
        _addressText = address.ToString();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(address.Host, address.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)Math.Min(uint.MaxValue, options.SessionExpiry.TotalSeconds))
            .WithTimeout(options.ConnectTimeout);
        if (options.Username is not null || options.PasswordFile is not null || options.Password is not null)
        {
            builder.WithCredentials(options.Username ?? string.Empty, ReadPassword(options));
        }

        if (address.Tls)
        {
            var tls = new BrokerTls(options.CaFile);
            _tls = tls;
            builder.WithTlsOptions(o => o.UseTls().WithTargetHost(address.Host).WithCertificateValidationHandler(a => tls.Validate(a.Certificate, a.SslPolicyErrors)));
        }

        configure?.Invoke(builder);
        _clientOptions = builder.Build();
        _client = new MqttClientFactory().CreateMqttClient();

        // Attached before the first connect: a queued QoS 1 event delivered right after CONNACK is not missed.
        _client.ApplicationMessageReceivedAsync += onMessage;
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _lost.TrySetResult(e.Reason.ToString() + (e.Exception is { } ex ? ": " + Describe(ex) : string.Empty));
            }

            return Task.CompletedTask;
        };
    }

    public BrokerAddress Address { get; }

    public IReadOnlyList<string> TopicFilters { get; }

    /// <summary>Gets the client, for publishing while connected.</summary>
    public IMqttClient Client => _client;

    /// <summary>
    /// Connects, and reconnects, until cancelled: a failed connect is retried after <see cref="MqttTriggerOptions.ReconnectDelay"/>,
    /// doubling up to <see cref="MqttTriggerOptions.MaxReconnectDelay"/> (a Polly retry); a connection that was up
    /// and is lost starts again from the first delay. Each failure is logged and told to the monitor.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var connect = new ResiliencePipelineBuilder { TimeProvider = _time }.AddRetry(new RetryStrategyOptions
        {
            // Every failure to connect is an outcome (said, then retried); only stopping ends the loop.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !cancellationToken.IsCancellationRequested),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = false,
            Delay = _options.ReconnectDelay,
            MaxDelay = _options.MaxReconnectDelay,
            OnRetry = async args =>
            {
                await DisconnectQuietlyAsync().ConfigureAwait(false);
                NotConnected(Describe(args.Outcome.Exception!), args.RetryDelay);
            },
        }).Build();
        try
        {
            while (true)
            {
                var lost = await connect.ExecuteAsync(ConnectAsync, cancellationToken).ConfigureAwait(false);
                NotConnected("the connection was lost (" + await lost.WaitAsync(cancellationToken).ConfigureAwait(false) + ")", _options.ReconnectDelay);
                await Task.Delay(_options.ReconnectDelay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: a connect attempt that was in flight may fail with its own error (connection refused)
            // rather than a cancellation; either way the loop ends quietly.
        }
    }

    /// <summary>Connects and subscribes; returns what completes when the connection is lost.</summary>
    private async ValueTask<Task<string>> ConnectAsync(CancellationToken cancellationToken)
    {
        _lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _tls?.Reset();
        var result = await _client.ConnectAsync(_clientOptions, cancellationToken).ConfigureAwait(false);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new RefusedException(
                $"the broker refused the connection (CONNACK {result.ResultCode}{(string.IsNullOrEmpty(result.ReasonString) ? string.Empty : ": " + result.ReasonString)})");
        }

        if (!result.IsSessionPresent && TopicFilters.Count > 0)
        {
            await SubscribeAsync(cancellationToken).ConfigureAwait(false);
        }

        LogConnected(_logger, _addressText, result.IsSessionPresent);
        _onState(new BrokerState(true, null, result.IsSessionPresent));
        return _lost.Task;
    }

    private void NotConnected(string problem, TimeSpan retryIn)
    {
        LogNotConnected(_logger, _addressText, problem, retryIn.TotalSeconds);
        _onState(new BrokerState(false, problem, false));
    }

    public async ValueTask DisposeAsync()
    {
        await DisconnectQuietlyAsync().ConfigureAwait(false);
        _client.Dispose();
    }

    /// <summary>One sentence for a failed connection: refused (CONNACK), unreachable, TLS, or timed out.</summary>
    internal string Describe(Exception e)
    {
        if (_tls?.LastProblem is { } tlsProblem)
        {
            return "TLS failed: " + tlsProblem;
        }

        // No certificate came back, yet the TCP connection was made and then cut: no TLS server there.
        if (_tls is { CertificateSeen: false } && HandshakeCut(e) is { } cut)
        {
            return $"the TLS handshake failed ({cut}); the port may not speak TLS (is it a plain mqtt:// listener?)";
        }

        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case MqttConnectingFailedException refused:
                    return "the broker refused the connection (CONNACK: " + refused.Message.TrimEnd('.') + ")";
                case SocketException socket:
                    return $"the broker is unreachable ({socket.Message})";
                case MqttCommunicationTimedOutException or TimeoutException:
                    return $"the broker did not answer within {_options.ConnectTimeout.TotalSeconds:0.#} s";
                case System.Security.Authentication.AuthenticationException auth:
                    return "TLS failed: " + auth.Message;
                case RefusedException refused:
                    return refused.Message;
            }
        }

        return e.Message;
    }

    /// <summary>Why a connection that was made was cut during the handshake, or <see langword="null"/> (refused, timed out, other).</summary>
    private static string? HandshakeCut(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted } socket:
                    return socket.Message;
                case System.Security.Authentication.AuthenticationException auth:
                    return auth.Message.TrimEnd('.');
            }
        }

        return null;
    }

    private static string ReadPassword(MqttTriggerOptions options)
    {
        if (options.PasswordFile is null)
        {
            return options.Password ?? string.Empty;
        }

        try
        {
            using var reader = new StreamReader(options.PasswordFile);
            return reader.ReadLine() ?? string.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The broker password file '{options.PasswordFile}' could not be read: {e.Message}", e);
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in TopicFilters)
        {
            subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce));
        }

        var result = await _client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
        if (result.Items.FirstOrDefault(i => i.ResultCode is not (MqttClientSubscribeResultCode.GrantedQoS1 or MqttClientSubscribeResultCode.GrantedQoS0)) is { } refused)
        {
            throw new RefusedException($"the broker refused the subscription to '{refused.TopicFilter.Topic}' ({refused.ResultCode})");
        }
    }

    private async Task DisconnectQuietlyAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                // A normal disconnect keeps the session (its expiry was set on connect): queued events wait for us.
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build()).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // Leaving: a broker that is already gone is not an error.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Connected to the MQTT broker {Broker} (session present: {SessionPresent})")]
    private static partial void LogConnected(ILogger logger, string broker, bool sessionPresent);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Not connected to the MQTT broker {Broker}: {Problem}; retrying in {DelaySeconds} s")]
    private static partial void LogNotConnected(ILogger logger, string broker, string problem, double delaySeconds);

    /// <summary>The broker said no (CONNACK or SUBACK): the message is the sentence to show.</summary>
    private sealed class RefusedException(string message) : Exception(message);
}
