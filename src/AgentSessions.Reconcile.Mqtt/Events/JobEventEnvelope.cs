using System.Buffers;
using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// A payload read as an event envelope (verification step 6): one JSON object no deeper than the
/// limit, every field present with its type and shape, integers only, and sent in its own canonical
/// form. Read only once the verifier's earlier steps passed: at most 64 KiB of UTF-8 with one
/// top-level <c>sig</c> of 64 lower-case hex whose MAC matches (<see cref="JobEventMac"/>).
/// Holds the parsed document: dispose it.
/// </summary>
internal sealed class JobEventEnvelope : IDisposable
{
    private readonly JsonDocument _document;

    private JobEventEnvelope(JsonDocument document, in Fields fields, JobEventType type)
    {
        _document = document;
        Version = fields.Version;
        JobId = fields.JobId;
        Session = fields.Session;
        Type = type;
        Sequence = fields.Sequence;
        Timestamp = fields.Timestamp;
        Nonce = fields.Nonce;
    }

    public long Version { get; }

    public string JobId { get; }

    public string Session { get; }

    public JobEventType Type { get; }

    public long Sequence { get; }

    /// <summary>Gets <c>ts</c>: Unix epoch milliseconds.</summary>
    public long Timestamp { get; }

    public string Nonce { get; }

    /// <summary>
    /// Reads <paramref name="payload"/>. Returns null and the envelope, or why it is not one.
    /// </summary>
    public static DropReason? TryRead(ReadOnlySpan<byte> payload, int maxDepth, out JobEventEnvelope? envelope)
    {
        envelope = null;
        JsonDocument document;
        try
        {
            // The reader is not recursive and stops at MaxDepth: a 10,000-deep value costs MaxDepth tokens.
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = maxDepth });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                document.Dispose();
                return DropReason.NotJson;
            }
        }
        catch (JsonException)
        {
            return ClassifyUnparsable(payload, maxDepth);
        }

        var reason = TryRead(document, payload, out envelope);
        if (reason is not null)
        {
            document.Dispose();
        }

        return reason;
    }

    /// <summary>Gets the <c>data</c> object; valid until the envelope is disposed.</summary>
    public JsonElement Data => _document.RootElement.GetProperty("data");

    /// <inheritdoc />
    public void Dispose() => _document.Dispose();

    private static DropReason? TryRead(JsonDocument document, ReadOnlySpan<byte> payload, out JobEventEnvelope? envelope)
    {
        envelope = null;
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return DropReason.NotObject;
        }

        // Writing the canonical form is also the value check: integers only, no repeated key, real text.
        var canonical = new ArrayBufferWriter<byte>(payload.Length);
        if (CanonicalJson.Write(root, canonical) is { } invalid)
        {
            return invalid;
        }

        if (ReadFields(root, out var fields) is { } fieldError)
        {
            return fieldError;
        }

        if (!JobEventWire.IsValidJobId(fields.JobId))
        {
            return DropReason.InvalidJobId;
        }

        if (JobEventWire.ParseType(fields.Type) is not { } type
            || fields.Session.Length == 0
            || fields.Sequence < 0
            || !JobEventWire.IsValidNonce(fields.Nonce))
        {
            return DropReason.InvalidValue;
        }

        // One event, one spelling: a payload that is not its canonical form (other escapes,
        // whitespace, key order) is refused, so no byte of a signed event can change unnoticed,
        // and the MAC checked over the raw payload was over the canonical form.
        if (!canonical.WrittenSpan.SequenceEqual(payload))
        {
            return DropReason.NotCanonical;
        }

        envelope = new JobEventEnvelope(document, fields, type);
        return null;
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
            ?? Set(new Fields(version, jobId, session, type, sequence, timestamp, nonce), out fields);

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

        // The canonical writer has passed it: a number here is an integer within 64 bits.
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
    internal static DropReason ClassifyUnparsable(ReadOnlySpan<byte> payload, int maxDepth)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                    && reader.CurrentDepth >= maxDepth)
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

    private readonly record struct Fields(
        long Version, string JobId, string Session, string Type, long Sequence, long Timestamp, string Nonce);
}
