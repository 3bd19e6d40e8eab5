using System.Security.Cryptography;
using System.Text;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>
/// The MAC checked on the raw payload before any parse: it finds the one top-level <c>sig</c> and
/// never lets through what the full checks would drop; a forged flood allocates nothing and
/// changes no state.
/// </summary>
public sealed class JobEventMacTests
{
    private const int SigMember = 73; // ,"sig":"<64 hex>"

    private static readonly JobEntry Job = new(SomeEvent.JobId) { AuthToken = SomeEvent.Token };

    private readonly JobEventVerifier _verifier = SomeEvent.Verifier(out _);

    public static TheoryData<string> SigsNotLowerHexAsSent => new(
        $"\"\\u0061{new string('a', 63)}\"",
        "\"aaaa\"",
        $"\"{new string('A', 64)}\"");

    [Fact]
    public void Verify_SigInsideData_IsDataAndTheEventVerifies() =>
        Verify(SomeEvent.Signed(data: "{\"sig\":\"" + new string('0', 64) + "\",\"z\":{\"sig\":1}}")).IsVerified.Should().BeTrue();

    [Fact]
    public void Verify_OnlyASigInsideDataWithItsMacRight_DropsMissingField()
    {
        // Its MAC is right for the payload without the nested member: only the top level counts.
        var text = SomeEvent.Text(SomeEvent.Signed(data: """{"note":1}"""));
        var top = text.IndexOf(",\"sig\":\"", StringComparison.Ordinal);
        var withoutTopSig = text.Remove(top, SigMember);
        var nested = withoutTopSig.Replace("{\"note\":1}", $"{{\"note\":1,\"sig\":\"{new string('0', 64)}\"}}", StringComparison.Ordinal);

        ExpectDrop(SomeEvent.SignedAsIs(nested), DropReason.MissingField);
    }

    [Fact]
    public void Verify_ForgedTopLevelSigAndAValidNestedOne_DropsBadSignature()
    {
        var text = SomeEvent.Text(SomeEvent.Signed(data: """{"note":1}"""));
        var nested = SomeEvent.Text(SomeEvent.SignedAsIs(
            text.Remove(text.IndexOf(",\"sig\":\"", StringComparison.Ordinal), SigMember)
                .Replace("{\"note\":1}", $"{{\"note\":1,\"sig\":\"{new string('0', 64)}\"}}", StringComparison.Ordinal)));
        var withForgedTop = nested.Replace(",\"ts\":", $",\"sig\":\"{new string('a', 64)}\",\"ts\":", StringComparison.Ordinal);

        ExpectDrop(SomeEvent.Bytes(withForgedTop), DropReason.BadSignature);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Verify_TwoTopLevelSigsOneWithItsMacRight_DropsDuplicateKey(int right)
    {
        // The MAC over the payload with the right member cut is right; the other sig stays in the signed bytes.
        var text = SomeEvent.Text(SomeEvent.Signed());
        var at = text.IndexOf(",\"sig\":\"", StringComparison.Ordinal);
        var other = $",\"sig\":\"{new string('b', 64)}\"";
        var signed = text.Remove(at, SigMember).Insert(at, other);
        var mac = $",\"sig\":\"{Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SomeEvent.Token), Encoding.UTF8.GetBytes(signed)))}\"";

        ExpectDrop(SomeEvent.Bytes(text.Remove(at, SigMember).Insert(at, right == 0 ? mac + other : other + mac)), DropReason.DuplicateKey);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("null")]
    [InlineData("true")]
    [InlineData("[\"0000000000000000000000000000000000000000000000000000000000000000\"]")]
    [InlineData("{\"sig\":\"0000000000000000000000000000000000000000000000000000000000000000\"}")]
    public void Verify_SigNotAString_DropsWrongType(string sig) =>
        ExpectDrop(SomeEvent.Bytes(WithSig(sig)), DropReason.WrongType);

    [Theory]
    [MemberData(nameof(SigsNotLowerHexAsSent))]
    public void Verify_SigNotSixtyFourLowerHexAsSent_DropsInvalidValue(string sig) =>
        ExpectDrop(SomeEvent.Bytes(WithSig(sig)), DropReason.InvalidValue);

    [Theory]
    [InlineData("""{"sig":"SIG","ts":1}""")]
    [InlineData("""{"sig":"SIG"}""")]
    [InlineData("""{"a":1,"sig":"SIG"}""")]
    public void Verify_SigFirstOrAloneWithItsMacRight_PassesTheMacAndDropsMissingField(string shape)
    {
        // The comma after a first member is cut with it: the MAC passes and the full checks find the fields missing.
        ExpectDrop(SomeEvent.SignedAsIs(shape.Replace("SIG", new string('0', 64), StringComparison.Ordinal)), DropReason.MissingField);
    }

    [Fact]
    public void Verify_TokenLongerThanTheStackBuffer_Verifies()
    {
        var token = string.Concat(Enumerable.Repeat("é-token-", 60));
        var job = new JobEntry(SomeEvent.JobId) { AuthToken = token };

        _verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, SomeEvent.Signed(token: token), _ => job).IsVerified.Should().BeTrue();
        _verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, SomeEvent.Signed(seq: 2, token: token[..^1]), _ => job)
            .Reason.Should().Be(DropReason.BadSignature);
    }

    [Fact]
    public void Verify_ForgedFlood_ChangesNoStateAndCountsEveryDrop()
    {
        for (var seq = 1; seq <= 1_000; seq++)
        {
            Verify(SomeEvent.Signed(seq: 1_000 + seq, type: JobEventType.Completed, nonce: $"n-{seq % 10}", token: "guess"));
        }

        _verifier.Drops.Should().BeEquivalentTo(new Dictionary<DropReason, long> { [DropReason.BadSignature] = 1_000 });
        _verifier.NonceCount.Should().Be(0);

        // Neither the forged nonces nor the forged sequence numbers count: the real events with them verify.
        Verify(SomeEvent.Signed(seq: 1, nonce: "n-1")).IsVerified.Should().BeTrue();
        Verify(SomeEvent.Signed(seq: 2, type: JobEventType.Completed, nonce: "n-2")).IsVerified.Should().BeTrue();
    }

    [Fact]
    public void Verify_ForgedEvents_AllocateNothingPerEvent()
    {
        // 8 KiB each: a parse or a canonical copy of any of them would allocate more than the bound in total.
        var forged = Enumerable.Range(1, 100)
            .Select(seq => SomeEvent.Signed(seq: seq, data: $$"""{"note":"{{new string('x', 8_192)}}"}""", token: "guess"))
            .ToArray();
        Verify(forged[0]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var payload in forged)
        {
            Verify(payload);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A parse or a canonical copy would allocate at least the 8 KiB payload for each.
        (allocated / forged.Length).Should().BeLessThan(512, "a forged event is dropped on its raw bytes, without a parse");
        _verifier.Drops[DropReason.BadSignature].Should().Be(101);
    }

    /// <summary>A genuine event's text with the value of its sig replaced by <paramref name="json"/>.</summary>
    private static string WithSig(string json)
    {
        var text = SomeEvent.Text(SomeEvent.Signed());
        var at = text.IndexOf("\"sig\":", StringComparison.Ordinal) + 6;
        return text[..at] + json + text[(at + 66)..];
    }

    private VerifyResult Verify(byte[] payload) =>
        _verifier.Verify(SomeEvent.Topic(), SomeEvent.Prefix, payload, _ => Job);

    private void ExpectDrop(byte[] payload, DropReason reason)
    {
        var result = Verify(payload);

        result.Reason.Should().Be(reason);
        result.IsVerified.Should().BeFalse();
        _verifier.Verified.Should().Be(0);
        _verifier.NonceCount.Should().Be(0);
    }
}
