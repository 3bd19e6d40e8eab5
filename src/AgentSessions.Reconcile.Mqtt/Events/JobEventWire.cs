using System.Buffers;
using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>The envelope's fixed rules (EVENTS.md): names on the wire, the job-id and topic shapes.</summary>
internal static class JobEventWire
{
    public const int Version = 1;
    public const int MaxPayloadBytes = 64 * 1024;
    public const int MaxJobIdLength = 128;
    public const int MaxNonceLength = 128;
    public const int SignatureHexLength = 64;

    private static readonly SearchValues<char> JobIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    // The wire names are the type names in lower case: started, progress, completed, error, cancelled.
    private static readonly string[] TypeNames = [.. Enum.GetNames<JobEventType>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)];

    private static readonly SearchValues<char> NonceChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    public static string ToWire(this JobEventType type) =>
        Enum.IsDefined(type) ? TypeNames[(int)type] : throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown job event type.");

    public static JobEventType? ParseType(string wire) => Array.IndexOf(TypeNames, wire) is >= 0 and var i ? (JobEventType)i : null;

    public static bool IsTerminal(this JobEventType type) =>
        type is JobEventType.Completed or JobEventType.Error or JobEventType.Cancelled;

    /// <summary>A job id is <c>[A-Za-z0-9._-]{1,128}</c>: safe as one topic level, never a wildcard.</summary>
    public static bool IsValidJobId(ReadOnlySpan<char> jobId) =>
        jobId.Length is > 0 and <= MaxJobIdLength && !jobId.ContainsAnyExcept(JobIdChars);

    /// <summary>A nonce is base64url without padding, 1 to 128 characters.</summary>
    public static bool IsValidNonce(ReadOnlySpan<char> nonce) =>
        nonce.Length is > 0 and <= MaxNonceLength && !nonce.ContainsAnyExcept(NonceChars);

    public static string Topic(string topicPrefix, string jobId) => $"{topicPrefix}/jobs/{jobId}/events";

    /// <summary>The job id segment of <c>{prefix}/jobs/{job_id}/events</c>, or null when the topic has another shape.</summary>
    public static string? TopicJobId(string topic, string topicPrefix)
    {
        const string Jobs = "/jobs/", Events = "/events";
        if (topic.Length <= topicPrefix.Length + Jobs.Length + Events.Length
            || !topic.StartsWith(topicPrefix, StringComparison.Ordinal)
            || string.CompareOrdinal(topic, topicPrefix.Length, Jobs, 0, Jobs.Length) != 0
            || !topic.EndsWith(Events, StringComparison.Ordinal))
        {
            return null;
        }

        var start = topicPrefix.Length + Jobs.Length;
        var segment = topic.AsSpan(start, topic.Length - start - Events.Length);
        return IsValidJobId(segment) ? segment.ToString() : null;
    }
}
