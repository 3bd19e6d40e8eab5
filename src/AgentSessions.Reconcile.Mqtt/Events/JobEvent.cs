using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// One event in a delegated job's life: what <see cref="JobEventPublisher"/> signs and sends, and
/// what the subscriber hands on once the event has been verified (see <c>docs/mqtt-verification.md</c>).
/// </summary>
public sealed class JobEvent
{
    /// <summary>Initializes a new instance of the <see cref="JobEvent"/> class.</summary>
    /// <param name="jobId">The job id (<c>job_id</c>): <c>[A-Za-z0-9._-]{1,128}</c>.</param>
    /// <param name="session">The agent session the job runs in (<c>session</c>).</param>
    /// <param name="type">The event type (<c>type</c>).</param>
    /// <param name="sequence">The per-job counter (<c>seq</c>), zero or more, increasing.</param>
    /// <param name="timestamp">When the event happened (<c>ts</c>, sent as Unix epoch milliseconds).</param>
    /// <param name="nonce">A fresh random value (<c>nonce</c>), base64url without padding, 1 to 128 characters.</param>
    /// <param name="data">A JSON object with the details (<c>data</c>), or <see langword="null"/> for <c>{}</c>.
    /// Strings, integers, booleans, null, arrays and objects only: no floating-point numbers.</param>
    /// <exception cref="ArgumentException">A value breaks the envelope's rules.</exception>
    public JobEvent(
        string jobId,
        string session,
        JobEventType type,
        long sequence,
        DateTimeOffset timestamp,
        string nonce,
        JsonElement? data = null)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        ArgumentException.ThrowIfNullOrEmpty(session);
        ArgumentNullException.ThrowIfNull(nonce);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        if (!JobEventWire.IsValidJobId(jobId))
        {
            throw new ArgumentException("A job id is 1 to 128 characters of A-Z, a-z, 0-9, '.', '_' and '-'.", nameof(jobId));
        }

        if (!JobEventWire.IsValidNonce(nonce))
        {
            throw new ArgumentException("A nonce is 1 to 128 base64url characters (A-Z, a-z, 0-9, '-', '_'), without padding.", nameof(nonce));
        }

        if (data is { ValueKind: not JsonValueKind.Object })
        {
            throw new ArgumentException("The event's data must be a JSON object.", nameof(data));
        }

        _ = type.ToWire();
        JobId = jobId;
        Session = session;
        Type = type;
        Sequence = sequence;
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.ToUnixTimeMilliseconds());
        Nonce = nonce;
        Data = data?.Clone();
    }

    /// <summary>Gets the job id (<c>job_id</c>).</summary>
    public string JobId { get; }

    /// <summary>Gets the agent session the job runs in, as the publisher states it (<c>session</c>).</summary>
    public string Session { get; }

    /// <summary>Gets the event type (<c>type</c>).</summary>
    public JobEventType Type { get; }

    /// <summary>Gets the per-job counter (<c>seq</c>).</summary>
    public long Sequence { get; }

    /// <summary>Gets when the event happened (<c>ts</c>), to the millisecond.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets the event's nonce (<c>nonce</c>).</summary>
    public string Nonce { get; }

    /// <summary>Gets the event's details (<c>data</c>, a JSON object), or <see langword="null"/> when there are none.
    /// A verified event always has its <c>data</c> object here.</summary>
    public JsonElement? Data { get; }

    /// <summary>Gets a value indicating whether the event ends the job (<c>completed</c>, <c>error</c> or <c>cancelled</c>).</summary>
    public bool IsTerminal => Type.IsTerminal();

    /// <inheritdoc />
    public override string ToString() => $"{JobId} {Type.ToWire()} seq {Sequence}";
}
