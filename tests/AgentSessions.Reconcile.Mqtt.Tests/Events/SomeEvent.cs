using System.Text;
using System.Text.Json;
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

    public static JobEventVerifier Verifier(out FakeTimeProvider time, CollectingLogger? logger = null, JobEventVerifierOptions? options = null)
    {
        time = new FakeTimeProvider(Now);
        return new JobEventVerifier(time, logger ?? new CollectingLogger(), options);
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

    public static string Text(byte[] payload) => Encoding.UTF8.GetString(payload);

    public static byte[] Bytes(string payload) => Encoding.UTF8.GetBytes(payload);
}
