using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using MQTTnet;
using MQTTnet.Protocol;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Signs and publishes a delegated job's events for a .NET job runner: the envelope in RFC 8785
/// canonical form, HMAC-SHA256 with the job's <c>auth_token</c>, sent with QoS 1 and retain off to
/// <c>{prefix}/jobs/{job_id}/events</c>. Each event gets the next sequence number, the current
/// time and a fresh 16-byte nonce. Connecting the client (broker, TLS, credentials) is the caller's.
/// </summary>
public sealed class JobEventPublisher
{
    private const int NonceBytes = 16;

    private static readonly JsonElement NoData = JsonElement.Parse("{}");

    private readonly IMqttClient _client;
    private readonly TimeProvider _time;
    private readonly string _jobId;
    private readonly string _session;
    private readonly string _authToken;
    private long _nextSequence;

    /// <summary>Initializes a new instance of the <see cref="JobEventPublisher"/> class.</summary>
    /// <param name="client">A connected MQTTnet client; the publisher does not own it.</param>
    /// <param name="options">The job, session, token and topic prefix.</param>
    /// <param name="timeProvider">The clock for <c>ts</c>; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">An option breaks the envelope's rules.</exception>
    public JobEventPublisher(IMqttClient client, JobEventPublisherOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.TopicPrefix, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.AuthToken, nameof(options));
        ArgumentException.ThrowIfNullOrEmpty(options.Session, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.FirstSequence, nameof(options));
        if (!JobEventWire.IsValidJobId(options.JobId) || options.TopicPrefix.AsSpan().ContainsAny('+', '#'))
        {
            throw new ArgumentException(
                "The job id must be 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-', and the topic prefix free of '+' and '#'.",
                nameof(options));
        }

        _client = client;
        _time = timeProvider ?? TimeProvider.System;
        _jobId = options.JobId;
        _session = options.Session;
        _authToken = options.AuthToken;
        _nextSequence = options.FirstSequence;
        Topic = JobEventWire.Topic(options.TopicPrefix, options.JobId);
    }

    /// <summary>Gets the topic this publisher sends to: <c>{prefix}/jobs/{job_id}/events</c>.</summary>
    public string Topic { get; }

    /// <summary>Signs and publishes the job's next event (QoS 1, retain off).</summary>
    /// <param name="type">The event type.</param>
    /// <param name="data">A JSON object with details, or null for <c>{}</c>. No floating-point numbers.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>The event as sent.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not an object or holds a value without a canonical form.</exception>
    /// <exception cref="InvalidOperationException">The broker did not accept the message.</exception>
    public async Task<JobEvent> PublishAsync(JobEventType type, JsonElement? data = null, CancellationToken cancellationToken = default)
    {
        Span<byte> random = stackalloc byte[NonceBytes];
        RandomNumberGenerator.Fill(random);
        var jobEvent = new JobEvent(
            _jobId, _session, type, Interlocked.Increment(ref _nextSequence) - 1, _time.GetUtcNow(), Base64Url.EncodeToString(random), data);
        var payload = Sign(jobEvent, _authToken);

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(Topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(false)
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
        {
            throw new InvalidOperationException($"The broker did not accept the event for job {_jobId}: {result.ReasonCode}.");
        }

        return jobEvent;
    }

    /// <summary>Gets the signed payload of an event: its envelope with <c>sig</c>, in canonical form (UTF-8 JSON).</summary>
    /// <param name="jobEvent">The event.</param>
    /// <param name="authToken">The job's <c>auth_token</c>: the HMAC key.</param>
    /// <returns>The payload to publish.</returns>
    /// <exception cref="ArgumentException">The event's data holds a value without a canonical form, or the payload would exceed 64 KiB.</exception>
    public static byte[] Sign(JobEvent jobEvent, string authToken)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        ArgumentException.ThrowIfNullOrEmpty(authToken);

        var payload = CanonicalJson.Sign(Envelope(jobEvent), authToken, maxDepth: 64, "The event's data");
        if (payload.Length > JobEventWire.MaxPayloadBytes)
        {
            throw new ArgumentException($"The signed event is {payload.Length} bytes; the limit is {JobEventWire.MaxPayloadBytes}.", nameof(jobEvent));
        }

        // A JsonElement parsed from broken bytes can carry them through; the monitor would drop them.
        return Utf8.IsValid(payload) ? payload : throw new ArgumentException("The event's data is not valid UTF-8.", nameof(jobEvent));
    }

    // The envelope in any JSON form; the canonical writer (the verifier's) decides the bytes.
    private static byte[] Envelope(JobEvent jobEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new EnvelopeJson(JobEventWire.Version, jobEvent.JobId, jobEvent.Session, jobEvent.Type.ToWire(), jobEvent.Sequence, jobEvent.Timestamp.ToUnixTimeMilliseconds(), jobEvent.Nonce, jobEvent.Data ?? NoData),
            EnvelopeJsonContext.Default.EnvelopeJson);
}

/// <summary>The envelope's members (EVENTS.md), as <see cref="JobEventPublisher"/> hands them to the canonical writer.</summary>
internal sealed record EnvelopeJson(int V, string JobId, string Session, string Type, long Seq, long Ts, string Nonce, JsonElement Data);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(EnvelopeJson))]
internal sealed partial class EnvelopeJsonContext : JsonSerializerContext;
