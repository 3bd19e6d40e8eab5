using System.Buffers;
using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// A payload read as an event envelope (verification step 6): one JSON object no deeper than the
/// limit, every field present with its type and shape, integers only, and sent in its own canonical
/// form. Read only once the verifier's earlier steps passed: at most 64 KiB of UTF-8 with one
/// top-level <c>sig</c> of 64 lower-case hex whose MAC matches (<see cref="JobEventMac"/>).
/// <c>Timestamp</c> is <c>ts</c>: Unix epoch milliseconds.
/// </summary>
internal readonly record struct JobEventEnvelope(
    long Version, string JobId, string Session, JobEventType Type, long Sequence, long Timestamp, string Nonce, JsonElement Data)
{
    /// <summary>
    /// Reads <paramref name="payload"/>. Returns null and the envelope, or why it is not one.
    /// </summary>
    public static DropReason? TryRead(ReadOnlySpan<byte> payload, int maxDepth, out JobEventEnvelope envelope)
    {
        envelope = default;
        JsonElement root;
        try
        {
            // The reader is not recursive and stops at MaxDepth: a 10,000-deep value costs MaxDepth tokens.
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = maxDepth });
            root = JsonElement.ParseValue(ref reader);
            if (reader.Read())
            {
                return DropReason.NotJson;
            }
        }
        catch (JsonException)
        {
            return ClassifyUnparsable(payload, maxDepth);
        }

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

        // One event, one spelling: a payload that is not its canonical form (other escapes,
        // whitespace, key order) is refused, so no byte of a signed event can change unnoticed,
        // and the MAC checked over the raw payload was over the canonical form.
        return Integer(root, "v", out var version)
            ?? Text(root, "job_id", out var jobId)
            ?? Text(root, "session", out var session)
            ?? Text(root, "type", out var typeText)
            ?? Integer(root, "seq", out var sequence)
            ?? Integer(root, "ts", out var timestamp)
            ?? Text(root, "nonce", out var nonce)
            ?? Object(root, "data", out var data)
            ?? (!JobEventWire.IsValidJobId(jobId) ? DropReason.InvalidJobId
                : JobEventWire.ParseType(typeText) is not { } type || session.Length == 0 || sequence < 0 || !JobEventWire.IsValidNonce(nonce) ? DropReason.InvalidValue
                : !canonical.WrittenSpan.SequenceEqual(payload) ? DropReason.NotCanonical
                : Set(new JobEventEnvelope(version, jobId, session, type, sequence, timestamp, nonce, data), out envelope));

        static DropReason? Set(JobEventEnvelope value, out JobEventEnvelope envelope)
        {
            envelope = value;
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

    private static DropReason? Object(JsonElement root, string name, out JsonElement value)
    {
        if (!root.TryGetProperty(name, out value))
        {
            return DropReason.MissingField;
        }

        return value.ValueKind == JsonValueKind.Object ? null : DropReason.WrongType;
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
}
