using System.Security.Cryptography;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Verifies delegated job events; the first failure drops the event. Cheap checks first, then the
/// MAC over the raw payload, and only for a payload whose MAC passed the full parse, so a forged
/// flood is dropped without a parse or an allocation: 1. size; 2. the topic's job segment; 3. the
/// job is in the registry with a token; 4. UTF-8, and one top-level <c>sig</c> of 64 lower-case hex;
/// 5. HMAC-SHA256 over the payload without <c>sig</c>, compared in constant time; 6. a JSON object
/// with the envelope's fields and types (integers only, bounded depth) in its canonical form;
/// 7. <c>v</c>; 8. <c>job_id</c> equals the topic's job segment; 9. <c>ts</c> inside the window;
/// 10. the (job, nonce) pair not seen; 11. <c>seq</c> above the job's last accepted one, in memory and
/// in the registry's <c>last_seq</c> (what a monitor applied before a restart; equal to it is a
/// duplicate). The nonce and sequence are recorded only for an event that passed every check.
/// Thread-safe.
/// </summary>
internal sealed partial class JobEventVerifier
{
    // A job or topic we could not read is logged under one placeholder; past MaxLoggedKeys
    // distinct (reason, job) pairs, new pairs share one line per reason (attackers choose job ids).
    private const string NoJob = "-";
    private const string OtherJobs = "*";
    private const int MaxLoggedKeys = 1024;

    // EVENTS.md's limits: how old and how far ahead of our clock an event's ts may be, and the
    // deepest nesting of the whole envelope (its object is level 1).
    private const long MaxAgeMs = 300_000;
    private const long MaxClockSkewMs = 60_000;
    private const int MaxDepth = 64;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _nonceCacheCapacity;
    private readonly long[] _drops = new long[DropReasonText.Count];
    private long _verified;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string JobId, string Nonce), byte[]> _nonces = [];
    private readonly Queue<(long ExpiresAtMs, string JobId, string Nonce)> _nonceOrder = new();
    private readonly Dictionary<string, long> _lastSequence = new(StringComparer.Ordinal);
    private readonly Lock _logGate = new();
    private readonly HashSet<(DropReason Reason, string JobId)> _logged = [];

    /// <param name="time">The clock of the time window.</param>
    /// <param name="logger">Where drops are said.</param>
    /// <param name="nonceCacheCapacity">The most (job, nonce) pairs remembered. Beyond it the oldest go first, even inside
    /// the window; the per-job sequence check still drops their replays.</param>
    public JobEventVerifier(TimeProvider time, ILogger logger, int nonceCacheCapacity = 262_144)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nonceCacheCapacity);
        _time = time;
        _logger = logger;
        _nonceCacheCapacity = nonceCacheCapacity;
    }

    /// <summary>Gets the number of events verified so far.</summary>
    public long Verified => Interlocked.Read(ref _verified);

    /// <summary>Gets the number of events dropped so far, by reason (reasons never seen are absent).</summary>
    public IReadOnlyDictionary<DropReason, long> Drops =>
        Enumerable.Range(0, _drops.Length).Select(i => (Reason: (DropReason)i, Count: Interlocked.Read(ref _drops[i])))
            .Where(d => d.Count > 0).ToDictionary(d => d.Reason, d => d.Count);

    /// <summary>Gets the number of (job, nonce) pairs remembered.</summary>
    internal int NonceCount
    {
        get
        {
            lock (_gate)
            {
                return _nonces.Count;
            }
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

        var topicJobId = JobEventWire.TopicJobId(topic, topicPrefix);
        var result = VerifyCore(topicJobId, payload, findJob);
        if (result.Reason is { } reason)
        {
            CountDrop(reason, topicJobId);
        }
        else
        {
            Interlocked.Increment(ref _verified);
        }

        return result;
    }

    private VerifyResult VerifyCore(string? topicJobId, ReadOnlySpan<byte> payload, Func<string, JobEntry?> findJob)
    {
        // 1. Size.
        if (payload.Length > JobEventWire.MaxPayloadBytes)
        {
            return VerifyResult.Dropped(DropReason.Oversized);
        }

        // 2. The topic's job segment names the job, and so the key, before the payload is read.
        if (topicJobId is null)
        {
            return VerifyResult.Dropped(DropReason.BadTopic);
        }

        // 3. A registered job with a token: unauthenticated events never act.
        var job = findJob(topicJobId);
        if (job is null)
        {
            return VerifyResult.Dropped(DropReason.UnknownJob);
        }

        if (string.IsNullOrEmpty(job.AuthToken))
        {
            return VerifyResult.Dropped(DropReason.NoToken);
        }

        // 4 and 5. The MAC over the raw payload with its top-level sig cut out: no parse, no allocation.
        if (!Utf8.IsValid(payload))
        {
            return VerifyResult.Dropped(DropReason.InvalidUtf8);
        }

        if (JobEventMac.FindSignature(payload, MaxDepth, out var sigMember, out var sigHex) is { } noSignature)
        {
            return VerifyResult.Dropped(noSignature);
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!JobEventMac.Matches(payload, sigMember, sigHex, job.AuthToken, mac))
        {
            return VerifyResult.Dropped(DropReason.BadSignature);
        }

        // 6. Only now the full read: a JSON object with the envelope's fields and types, sent in its
        // canonical form (so the bytes the MAC covered are the canonical form without sig).
        if (JobEventEnvelope.TryRead(payload, MaxDepth, out var envelope) is { } invalid)
        {
            return VerifyResult.Dropped(invalid);
        }

        // 7. Version.
        if (envelope.Version != JobEventWire.Version)
        {
            return VerifyResult.Dropped(DropReason.UnknownVersion);
        }

        // 8. The job id signed is the topic's.
        if (!string.Equals(topicJobId, envelope.JobId, StringComparison.Ordinal))
        {
            return VerifyResult.Dropped(DropReason.TopicMismatch);
        }

        // 9. The time window.
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (envelope.Timestamp < nowMs - MaxAgeMs)
        {
            return VerifyResult.Dropped(DropReason.Stale);
        }

        if (envelope.Timestamp > nowMs + MaxClockSkewMs)
        {
            return VerifyResult.Dropped(DropReason.Future);
        }

        // 10 and 11 read and record shared state: one check-and-record at a time.
        lock (_gate)
        {
            ForgetExpiredNonces(nowMs);
            if (_nonces.TryGetValue((envelope.JobId, envelope.Nonce), out var acceptedMac))
            {
                // Same nonce and same MAC: the accepted event again (a QoS 1 redelivery), harmless.
                return VerifyResult.Dropped(CryptographicOperations.FixedTimeEquals(acceptedMac, mac)
                    ? DropReason.Duplicate
                    : DropReason.Replayed);
            }

            long? seen = _lastSequence.TryGetValue(envelope.JobId, out var last) ? last : null;
            if (envelope.Sequence <= seen)
            {
                return VerifyResult.Dropped(DropReason.OutOfOrder);
            }

            // last_seq was written with what the applied event changed, so it survives a restart that
            // forgot the nonces: that event delivered again (retained, or replayed) is a duplicate.
            if (envelope.Sequence <= job.LastSeq)
            {
                return VerifyResult.Dropped(envelope.Sequence == job.LastSeq ? DropReason.Duplicate : DropReason.OutOfOrder);
            }

            _lastSequence[envelope.JobId] = envelope.Sequence;
            RememberNonce(envelope.JobId, envelope.Nonce, mac.ToArray(), expiresAtMs: envelope.Timestamp + MaxAgeMs);
        }

        return VerifyResult.Verified(new JobEvent(
            envelope.JobId,
            envelope.Session,
            envelope.Type,
            envelope.Sequence,
            DateTimeOffset.FromUnixTimeMilliseconds(envelope.Timestamp),
            envelope.Nonce,
            envelope.Data));
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
        while (_nonces.Count >= _nonceCacheCapacity && _nonceOrder.TryDequeue(out var oldest))
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
        lock (_logGate)
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
}
