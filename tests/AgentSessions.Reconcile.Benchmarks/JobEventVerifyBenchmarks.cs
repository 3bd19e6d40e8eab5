extern alias mqtt;

using System.Text.Json;
using mqtt::AgentSessions.Reconcile.Mqtt;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace AgentSessions.Reconcile.Benchmarks;

/// <summary>
/// <see cref="JobEventVerifier.Verify"/> per event: a genuine event verified (every check, the
/// nonce and sequence recorded), a forged one (a guessed token) dropped at the MAC, one for an
/// unknown job dropped before it, and an oversized one (64 KiB + 1 byte) dropped first. Each invocation starts a fresh verifier and checks 1,000
/// distinct events, so every genuine one is new to it.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 5)]
public class JobEventVerifyBenchmarks
{
    private const int Events = 1_000;
    private const string Prefix = "agent-sessions/lab";
    private const string Token = "s3cret-token-0123456789abcdef";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_633_200_000);

    private readonly FixedClock _clock = new(Now);
    private byte[][] _genuine = [];
    private byte[][] _forged = [];
    private byte[][] _unknownJob = [];
    private byte[][] _oversized = [];
    private string _topic = string.Empty;
    private string _unknownTopic = string.Empty;
    private JobEntry _job = null!;

    /// <summary>Gets or sets the length of the string in each event's <c>data</c>.</summary>
    [Params(16, 8_192)]
    public int DataChars { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _job = new JobEntry("j-42") { AuthToken = Token };
        _topic = $"{Prefix}/jobs/j-42/events";
        _unknownTopic = $"{Prefix}/jobs/j-unknown/events";
        var data = JsonDocument.Parse($$"""{"summary":"{{new string('x', DataChars)}}","pct":42}""").RootElement;
        JobEvent Event(string jobId, int seq) =>
            new(jobId, "lab-landing-page-creator-claude", JobEventType.Progress, seq, Now, $"nonce-{seq:D8}", data);
        _genuine = [.. Enumerable.Range(1, Events).Select(i => JobEventPublisher.Sign(Event("j-42", i), Token))];
        _forged = [.. Enumerable.Range(1, Events).Select(i => JobEventPublisher.Sign(Event("j-42", i), "guessed-token"))];
        _unknownJob = [.. Enumerable.Range(1, Events).Select(i => JobEventPublisher.Sign(Event("j-unknown", i), Token))];
        var oversized = new byte[JobEventWire.MaxPayloadBytes + 1];
        _oversized = [.. Enumerable.Repeat(oversized, Events)];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public int Verified() => Run(_genuine, _topic);

    [Benchmark(OperationsPerInvoke = Events)]
    public int ForgedDroppedAtMac() => Run(_forged, _topic);

    [Benchmark(OperationsPerInvoke = Events)]
    public int UnknownJobDroppedBeforeMac() => Run(_unknownJob, _unknownTopic);

    [Benchmark(OperationsPerInvoke = Events)]
    public int OversizedDroppedFirst() => Run(_oversized, _topic);

    private int Run(byte[][] payloads, string topic)
    {
        var verifier = new JobEventVerifier(_clock, NullLogger.Instance);
        var verified = 0;
        foreach (var payload in payloads)
        {
            if (verifier.Verify(topic, Prefix, payload, id => id == "j-42" ? _job : null).IsVerified)
            {
                verified++;
            }
        }

        return verified;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
