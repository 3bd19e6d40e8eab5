using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// The fleet's topics and signatures (docs/fleet.md): <c>{prefix}/hosts/{host}/workspaces/{workspace}/status</c>
/// and <c>{prefix}/hosts/{host}/online</c>, each payload a JSON object in RFC 8785 canonical form with a
/// <c>sig</c> member, HMAC-SHA256 with the fleet key: the job events' canonical JSON and MAC code.
/// </summary>
internal static class FleetWire
{
    /// <summary>The default topic prefix.</summary>
    public const string DefaultPrefix = "agent-sessions/fleet";

    /// <summary>The largest payload read or written (a status of a few thousand sessions).</summary>
    public const int MaxPayloadBytes = 4 * 1024 * 1024;

    private const int MaxDepth = 16;

    /// <summary>A host id or workspace name: <c>[A-Za-z0-9._-]{1,128}</c>, the job-id grammar (one topic level, never a wildcard).</summary>
    public static bool IsValidName(string? name) => name is not null && JobEventWire.IsValidJobId(name);

    public static string StatusTopic(string prefix, string host, string workspace) => $"{prefix}/hosts/{host}/workspaces/{workspace}/status";

    public static string OnlineTopic(string prefix, string host) => $"{prefix}/hosts/{host}/online";

    public static string[] Filters(string prefix) => [prefix + "/hosts/+/workspaces/+/status", prefix + "/hosts/+/online"];

    /// <summary>Splits a fleet topic: its host, and its workspace for a status topic (null for presence); false for another shape.</summary>
    public static bool TryParseTopic(string topic, string prefix, out string host, out string? workspace)
    {
        host = string.Empty;
        workspace = null;
        if (!topic.StartsWith(prefix + "/hosts/", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = topic[(prefix.Length + "/hosts/".Length)..].Split('/');
        if (parts is [var h, "online"] && IsValidName(h))
        {
            host = h;
            return true;
        }

        if (parts is [var h2, "workspaces", var w, "status"] && IsValidName(h2) && IsValidName(w))
        {
            host = h2;
            workspace = w;
            return true;
        }

        return false;
    }

    /// <summary>Signs a JSON object (without <c>sig</c>): the canonical bytes with <c>sig</c> added, in canonical form.</summary>
    /// <exception cref="ArgumentException">The object has a value without a canonical form (a float, a duplicate key).</exception>
    public static byte[] Sign(ReadOnlySpan<byte> unsignedObject, string key) => CanonicalJson.Sign(unsignedObject, key, MaxDepth, "The fleet payload");

    /// <summary>
    /// Verifies a signed payload with <paramref name="key"/>: MAC first (on the raw bytes, as for job
    /// events), then canonical form. Returns the parsed object, or null.
    /// </summary>
    public static JsonElement? Verify(ReadOnlySpan<byte> payload, string key)
    {
        if (payload.Length > MaxPayloadBytes || JobEventMac.FindSignature(payload, MaxDepth, out var member, out var hex) is not null)
        {
            return null;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!JobEventMac.Matches(payload, member, hex, key, mac))
        {
            return null;
        }

        // Only the canonical form is signed: the same bytes written again, or nothing.
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = MaxDepth });
            var root = JsonElement.ParseValue(ref reader);
            var output = new ArrayBufferWriter<byte>(payload.Length);
            return root.ValueKind == JsonValueKind.Object && CanonicalJson.Write(root, output) is null && output.WrittenSpan.SequenceEqual(payload)
                ? root
                : null;
        }
        catch (Exception e) when (e is JsonException or EncoderFallbackException)
        {
            return null;
        }
    }
}
