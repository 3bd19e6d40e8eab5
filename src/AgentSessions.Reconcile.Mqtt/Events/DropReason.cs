using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// Why the verifier dropped an event, in the order of the checks (EVENTS.md). Each has a stable
/// lower-case text (<see cref="DropReasonText.ToText"/>) for logs and metrics.
/// </summary>
internal enum DropReason
{
    // 1. size
    Oversized,

    // 2. a JSON object with the envelope's fields and types, integers only
    InvalidUtf8,
    NotJson,
    TooDeep,
    NotObject,
    DuplicateKey,
    MissingField,
    WrongType,
    FloatingPoint,
    IntegerOutOfRange,
    InvalidString,
    InvalidValue,
    InvalidJobId,
    NotCanonical,

    // 3. version
    UnknownVersion,

    // 4. topic
    BadTopic,
    TopicMismatch,

    // 5. registry
    UnknownJob,
    NoToken,

    // 6. MAC
    BadSignature,

    // 7. time window
    Stale,
    Future,

    // 8. nonce: an exact copy of an accepted event is a harmless duplicate (QoS 1 redelivery)
    Duplicate,
    Replayed,

    // 9. sequence
    OutOfOrder,
}

/// <summary>The stable texts of <see cref="DropReason"/>: the names in kebab case (<c>InvalidUtf8</c> is <c>invalid-utf8</c>).</summary>
internal static class DropReasonText
{
    private static readonly string[] Texts = [.. Enum.GetNames<DropReason>().Select(JsonNamingPolicy.KebabCaseLower.ConvertName)];

    /// <summary>The number of reasons.</summary>
    public static int Count => Texts.Length;

    /// <summary>The reason's stable lower-case-with-dashes text, e.g. <c>bad-signature</c>.</summary>
    public static string ToText(this DropReason reason) => Texts[(int)reason];
}
