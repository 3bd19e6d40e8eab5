using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Verifies delegated job events in EVENTS.md's order; the first failure drops the event:
/// 1. size; 2. a JSON object with the envelope's fields and types (integers only, bounded depth);
/// 3. <c>v</c>; 4. <c>job_id</c> equals the topic's job segment; 5. the job is in the registry
/// with a token; 6. HMAC-SHA256 compared in constant time; 7. <c>ts</c> inside the window;
/// 8. the (job, nonce) pair not seen; 9. <c>seq</c> above the job's last accepted one.
/// Everything before the MAC is cheap and needs no secret; the nonce and sequence are recorded
/// only for an event that passed every check. Thread-safe.
/// </summary>
internal sealed partial class JobEventVerifier
{
    // A job or topic we could not read is logged under one placeholder; past MaxLoggedKeys
    // distinct (reason, job) pairs, new pairs share one line per reason (attackers choose job ids).
    private const string NoJob = "-";
    private const string OtherJobs = "*";
    private const int MaxLoggedKeys = 1024;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JobEventVerifierOptions _options;
    private readonly long[] _drops = new long[DropReasonText.Count];
    private long _verified;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string JobId, string Nonce), byte[]> _nonces = [];
    private readonly Queue<(long ExpiresAtMs, string JobId, string Nonce)> _nonceOrder = new();
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly HashSet<(DropReason Reason, string JobId)> _logged = [];

    public JobEventVerifier(TimeProvider time, ILogger logger, JobEventVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _time = time;
        _logger = logger;
        _options = options ?? new JobEventVerifierOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.NonceCacheCapacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxDepth, 2);
    }

    /// <summary>Gets the number of events verified so far.</summary>
    public long Verified => Interlocked.Read(ref _verified);

    /// <summary>Gets the number of events dropped so far, by reason (reasons never seen are absent).</summary>
    public IReadOnlyDictionary<DropReason, long> Drops
    {
        get
        {
            var drops = new Dictionary<DropReason, long>();
            for (var i = 0; i < _drops.Length; i++)
            {
                if (Interlocked.Read(ref _drops[i]) is var count and > 0)
                {
                    drops[(DropReason)i] = count;
                }
            }

            return drops;
        }
    }

    /// <summary>Verifies one message.</summary>
    /// <param name="topic">The topic the message arrived on.</param>
    /// <param name="topicPrefix">The subscription's prefix: the topic must be <c>{topicPrefix}/jobs/{job_id}/events</c>.</param>
    /// <param name="payload">The message's payload.</param>
    /// <param name="findJob">Finds a job in the registry by id; null when it is not there.</param>
    /// <returns>The verified event, or why it was dropped (counted and logged).</returns>
    public VerifyResult Verify(string topic, string topicPrefix, ReadOnlySpan<byte> payload, Func<string, JobEntry?> findJob)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(topicPrefix);
        ArgumentNullException.ThrowIfNull(findJob);

        string? jobId = null;
        var result = VerifyCore(topic, topicPrefix, payload, findJob, ref jobId);
        if (result.Reason is { } reason)
        {
            CountDrop(reason, jobId ?? JobEventWire.TopicJobId(topic, topicPrefix));
        }
        else
        {
            Interlocked.Increment(ref _verified);
        }

        return result;
    }

    private VerifyResult VerifyCore(
        string topic, string topicPrefix, ReadOnlySpan<byte> payload, Func<string, JobEntry?> findJob, ref string? jobId)
    {
        // 1. Size.
        if (payload.Length > JobEventWire.MaxPayloadBytes)
        {
            return VerifyResult.Dropped(DropReason.Oversized);
        }

        // 2. A JSON object with the envelope's fields and types.
        if (!Utf8.IsValid(payload))
        {
            return VerifyResult.Dropped(DropReason.InvalidUtf8);
        }

        JsonDocument document;
        try
        {
            // The reader is not recursive and stops at MaxDepth: a 10,000-deep value costs MaxDepth tokens.
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = _options.MaxDepth });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                document.Dispose();
                return VerifyResult.Dropped(DropReason.NotJson);
            }
        }
        catch (JsonException)
        {
            return VerifyResult.Dropped(ClassifyUnparsable(payload));
        }

        using (document)
        {
            return VerifyEnvelope(document.RootElement, topic, topicPrefix, findJob, ref jobId);
        }
    }

    private VerifyResult VerifyEnvelope(
        JsonElement root, string topic, string topicPrefix, Func<string, JobEntry?> findJob, ref string? jobId)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return VerifyResult.Dropped(DropReason.NotObject);
        }

        // The canonical form is also the value check: integers only, no duplicate key, real text.
        var canonical = new ArrayBufferWriter<byte>(JobEventWire.MaxPayloadBytes / 4);
        if (CanonicalJson.Write(root, canonical, omitProperty: "sig") is { } invalid)
        {
            return VerifyResult.Dropped(invalid);
        }

        if (ReadFields(root, out var fields) is { } fieldError)
        {
            return VerifyResult.Dropped(fieldError);
        }

        if (!JobEventWire.IsValidJobId(fields.JobId))
        {
            return VerifyResult.Dropped(DropReason.InvalidJobId);
        }

        jobId = fields.JobId;
        if (JobEventWire.ParseType(fields.Type) is not { } type
            || fields.Session.Length == 0
            || fields.Sequence < 0
            || !JobEventWire.IsValidNonce(fields.Nonce)
            || !JobEventWire.IsLowerHexSignature(fields.Signature))
        {
            return VerifyResult.Dropped(DropReason.InvalidValue);
        }

        // 3. Version.
        if (fields.Version != JobEventWire.Version)
        {
            return VerifyResult.Dropped(DropReason.UnknownVersion);
        }

        // 4. The topic's job segment.
        if (JobEventWire.TopicJobId(topic, topicPrefix) is not { } topicJobId)
        {
            return VerifyResult.Dropped(DropReason.BadTopic);
        }

        if (!string.Equals(topicJobId, fields.JobId, StringComparison.Ordinal))
        {
            return VerifyResult.Dropped(DropReason.TopicMismatch);
        }

        // 5. A registered job with a token: unauthenticated events never act.
        var job = findJob(fields.JobId);
        if (job is null)
        {
            return VerifyResult.Dropped(DropReason.UnknownJob);
        }

        if (string.IsNullOrEmpty(job.AuthToken))
        {
            return VerifyResult.Dropped(DropReason.NoToken);
        }

        // 6. The MAC, compared in constant time.
        var mac = new byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(job.AuthToken), canonical.WrittenSpan, mac);
        Span<byte> claimed = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Convert.FromHexString(fields.Signature, claimed, out _, out _);
        if (!CryptographicOperations.FixedTimeEquals(mac, claimed))
        {
            return VerifyResult.Dropped(DropReason.BadSignature);
        }

        // 7. The time window.
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var maxAgeMs = (long)_options.MaxAge.TotalMilliseconds;
        if (fields.Timestamp < nowMs - maxAgeMs)
        {
            return VerifyResult.Dropped(DropReason.Stale);
        }

        if (fields.Timestamp > nowMs + (long)_options.MaxClockSkew.TotalMilliseconds)
        {
            return VerifyResult.Dropped(DropReason.Future);
        }

        // 8 and 9 read and record shared state: one check-and-record at a time.
        lock (_gate)
        {
            ForgetExpiredNonces(nowMs);
            if (_nonces.TryGetValue((fields.JobId, fields.Nonce), out var acceptedMac))
            {
                // Same nonce and same MAC: the accepted event again (a QoS 1 redelivery), harmless.
                return VerifyResult.Dropped(CryptographicOperations.FixedTimeEquals(acceptedMac, mac)
                    ? DropReason.Duplicate
                    : DropReason.Replayed);
            }

            if (_lastSequence.TryGetValue(fields.JobId, out var last) && fields.Sequence <= last)
            {
                return VerifyResult.Dropped(DropReason.OutOfOrder);
            }

            _lastSequence[fields.JobId] = fields.Sequence;
            RememberNonce(fields.JobId, fields.Nonce, mac, expiresAtMs: fields.Timestamp + maxAgeMs);
        }

        var data = root.GetProperty("data");
        return VerifyResult.Verified(new JobEvent(
            fields.JobId,
            fields.Session,
            type,
            fields.Sequence,
            DateTimeOffset.FromUnixTimeMilliseconds(fields.Timestamp),
            fields.Nonce,
            data));
    }

    private static DropReason? ReadFields(JsonElement root, out Fields fields)
    {
        fields = default;
        return Integer(root, "v", out var version)
            ?? Text(root, "job_id", out var jobId)
            ?? Text(root, "session", out var session)
            ?? Text(root, "type", out var type)
            ?? Integer(root, "seq", out var sequence)
            ?? Integer(root, "ts", out var timestamp)
            ?? Text(root, "nonce", out var nonce)
            ?? Object(root, "data")
            ?? Text(root, "sig", out var signature)
            ?? Set(new Fields(version, jobId, session, type, sequence, timestamp, nonce, signature), out fields);

        static DropReason? Set(Fields value, out Fields fields)
        {
            fields = value;
            return null;
        }
    }

    private static DropReason? Integer(JsonElement root, string name, out long value)
    {
        value = 0;
        if (!root.TryGetProperty(name, out var element))
        {
            return DropReason.MissingField;
        }

        // Already canonical: a number here is an integer within 64 bits.
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out value) ? null : DropReason.WrongType;
    }

    private static DropReason? Text(JsonElement root, string name, out string value)
    {
        value = string.Empty;
        if (!root.TryGetProperty(name, out var element))
        {
            return DropReason.MissingField;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return DropReason.WrongType;
        }

        value = element.GetString()!;
        return null;
    }

    private static DropReason? Object(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            return DropReason.MissingField;
        }

        return element.ValueKind == JsonValueKind.Object ? null : DropReason.WrongType;
    }

    /// <summary>Tells a value nested deeper than the limit from broken JSON, reading no further than the limit.</summary>
    private DropReason ClassifyUnparsable(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = _options.MaxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                    && reader.CurrentDepth >= _options.MaxDepth)
                {
                    return DropReason.TooDeep;
                }
            }
        }
        catch (JsonException)
        {
        }

        return DropReason.NotJson;
    }

    private void ForgetExpiredNonces(long nowMs)
    {
        while (_nonceOrder.TryPeek(out var oldest) && oldest.ExpiresAtMs < nowMs)
        {
            _nonceOrder.Dequeue();
            _nonces.Remove((oldest.JobId, oldest.Nonce));
        }
    }

    private void RememberNonce(string jobId, string nonce, byte[] mac, long expiresAtMs)
    {
        while (_nonces.Count >= _options.NonceCacheCapacity && _nonceOrder.TryDequeue(out var oldest))
        {
            _nonces.Remove((oldest.JobId, oldest.Nonce));
        }

        _nonces[(jobId, nonce)] = mac;
        _nonceOrder.Enqueue((expiresAtMs, jobId, nonce));
    }

    private void CountDrop(DropReason reason, string? jobId)
    {
        Interlocked.Increment(ref _drops[(int)reason]);
        string? logAs;
        lock (_gate)
        {
            var key = (reason, jobId ?? NoJob);
            logAs = _logged.Contains(key) ? null
                : _logged.Count < MaxLoggedKeys ? key.Item2
                : OtherJobs;
            if (logAs is not null && !_logged.Add((reason, logAs)))
            {
                logAs = null;
            }
        }

        // Only the reason and a job id that passed the id rule: never a token, signature or payload.
        var level = reason == DropReason.Duplicate ? LogLevel.Debug : LogLevel.Warning;
        if (logAs is not null && _logger.IsEnabled(level))
        {
            var text = reason.ToText();
            LogDropped(_logger, level, text, logAs);
        }
    }

    [LoggerMessage(EventId = 1, Message = "Dropped a job event: {Reason} (job {JobId}); further drops for this reason and job are counted, not logged")]
    private static partial void LogDropped(ILogger logger, LogLevel level, string reason, string jobId);

    private readonly record struct Fields(
        long Version, string JobId, string Session, string Type, long Sequence, long Timestamp, string Nonce, string Signature);
}
