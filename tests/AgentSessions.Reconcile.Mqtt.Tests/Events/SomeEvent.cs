using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>Test data: a registry with one job, a clock, and events signed for it.</summary>
internal static class SomeEvent
{
    public const string Prefix = "agent-sessions/lab";
    public const string JobId = "j-1";
    public const string Token = "tok-1-secret";
    public const string Session = "lab-landing-page-creator-claude";
    public const string UntokenedJobId = "j-no-token";

    public static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_633_200_000);

    public static string Topic(string jobId = JobId) => $"{Prefix}/jobs/{jobId}/events";

    public static JobEntry? FindJob(string jobId) => jobId switch
    {
        JobId => new JobEntry(JobId) { AuthToken = Token },
        UntokenedJobId => new JobEntry(UntokenedJobId),
        _ => null,
    };

    public static JobEventVerifier Verifier(out FakeTimeProvider time, CollectingLogger? logger = null, int nonceCacheCapacity = 262_144)
    {
        time = new FakeTimeProvider(Now);
        return new JobEventVerifier(time, logger ?? new CollectingLogger(), nonceCacheCapacity);
    }

    /// <summary>A canonical payload signed with <paramref name="token"/>; the nonce is <c>nonce-{seq}</c> unless given.</summary>
    public static byte[] Signed(
        long seq = 1,
        JobEventType type = JobEventType.Progress,
        DateTimeOffset? ts = null,
        string? nonce = null,
        string? data = null,
        string jobId = JobId,
        string token = Token) =>
        JobEventPublisher.Sign(
            new JobEvent(jobId, Session, type, seq, ts ?? Now, nonce ?? $"nonce-{seq}", data is null ? null : JsonDocument.Parse(data).RootElement),
            token);

    /// <summary>
    /// <paramref name="text"/> with its one top-level <c>"sig":"&lt;64 hex&gt;"</c> replaced by the MAC
    /// (with <paramref name="token"/>) over the text without that member and one comma, whatever the
    /// text's form: a payload whose MAC passes but which may fail the checks that follow.
    /// </summary>
    public static byte[] SignedAsIs(string text, string token = Token)
    {
        var sig = Regex.Matches(text, "\"sig\":\"[0-9a-f]{64}\"").Should().ContainSingle().Subject;
        var cut = sig.Index > 0 && text[sig.Index - 1] == ','
            ? text.Remove(sig.Index - 1, sig.Length + 1)
            : sig.Index + sig.Length < text.Length && text[sig.Index + sig.Length] == ','
                ? text.Remove(sig.Index, sig.Length + 1)
                : text.Remove(sig.Index, sig.Length);
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(cut)));
        return Bytes(string.Concat(text.AsSpan(0, sig.Index), $"\"sig\":\"{mac}\"", text.AsSpan(sig.Index + sig.Length)));
    }

    public static string Text(byte[] payload) => Encoding.UTF8.GetString(payload);

    public static byte[] Bytes(string payload) => Encoding.UTF8.GetBytes(payload);
}
