using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>Interop with the contract's independent Python publisher, run as a process.</summary>
public sealed class SignEventInteropTests
{
    // Every character class the canonical form treats apart: escapes, all control characters,
    // DEL, HTML-ish and '+', Latin-1, BMP symbols, U+2028, U+FFFF and astral emoji.
    private const string TrickyData =
        """{"note":"café ✓ 😀 <b>&amp;'+ \u007f \u2028 \uffff 𝄞","ctl":"\u0000\u0001\b\t\n\u000b\f\r\u001e\u001f \"q\" \\ /","n":[0,-1,9007199254740993,-9223372036854775808],"deep":{"z":{"y":[true,false,null,{}]}},"":"empty key","Ä":1,"a":2}""";

    public static TheoryData<string, string, string> Events => new()
    {
        { "started", "j-1", "{}" },
        { "progress", "job.2_x", """{"pct":42,"ok":true,"none":null}""" },
        { "completed", "J-3", TrickyData },
        { "error", "j-4", """{"message":"line1\nline2\ttab"}""" },
        { "cancelled", new string('j', 128), """{"by":"person"}""" },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public async Task Verify_EventSignedBySignEventPy_Verifies(string type, string jobId, string data)
    {
        const string Token = "tok-ü-✓-0123456789";
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_795_633_200_000);
        var (topic, payload) = await SignEventScript.SignAsync(
            "--token", Token, "--job", jobId, "--session", "lab-x-creator-claude", "--type", type,
            "--seq", "9", "--ts", now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            "--data", data, "--prefix", "agent-sessions/lab");
        var verifier = new JobEventVerifier(new FakeTimeProvider(now), new CollectingLogger());

        var result = verifier.Verify(topic, "agent-sessions/lab", payload, id => id == jobId ? new JobEntry(id) { AuthToken = Token } : null);

        result.Reason.Should().BeNull();
        result.Event!.JobId.Should().Be(jobId);
        result.Event.Type.Should().Be(Enum.Parse<JobEventType>(type, ignoreCase: true));
        result.Event.Sequence.Should().Be(9);
        JsonElement.DeepEquals(result.Event.Data!.Value, JsonDocument.Parse(data).RootElement).Should().BeTrue();
    }

    [Fact]
    public async Task Verify_EventSignedBySignEventPyWithAnotherToken_DropsBadSignature()
    {
        var (topic, payload) = await SignEventScript.SignAsync(
            "--token", "other", "--job", "j-1", "--session", "s", "--type", "completed", "--workspace", "lab");
        var verifier = new JobEventVerifier(TimeProvider.System, new CollectingLogger());

        verifier.Verify(topic, "agent-sessions/lab", payload, id => new JobEntry(id) { AuthToken = "token" })
            .Reason.Should().Be(DropReason.BadSignature);
    }

    [Theory]
    [MemberData(nameof(Events))]
    public async Task SignEventPyVerify_PayloadSignedByJobEventPublisher_SaysOk(string type, string jobId, string data)
    {
        const string Token = "tok-ü-✓-0123456789";
        var jobEvent = new JobEvent(
            jobId, "lab-x-creator-claude", Enum.Parse<JobEventType>(type, ignoreCase: true), 3, DateTimeOffset.UnixEpoch.AddDays(20_000),
            "bm9uY2U", JsonDocument.Parse(data).RootElement);
        var payload = JobEventPublisher.Sign(jobEvent, Token);

        (await SignEventScript.VerifyAsync(Token, payload)).Should().Be((0, "OK"));
        (await SignEventScript.VerifyAsync(Token + "x", payload)).Should().Be((1, "BAD"));
    }
}
