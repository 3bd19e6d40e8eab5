using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>The contract's fixed vectors: our canonical writer and signer reproduce them byte for byte.</summary>
public sealed class EventVectorTests
{
    public static TheoryData<string> Vectors => EventVectors.Names;

    [Fact]
    public void Vectors_Loaded_CoverEmojiAndControlCharacters()
    {
        EventVectors.All.Should().HaveCountGreaterThanOrEqualTo(4);
        EventVectors.All.Should().Contain(v => v.Payload.Contains("😀", StringComparison.Ordinal));
        EventVectors.All.Should().Contain(v => v.Payload.Contains("\\u001f", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Write_Vector_ReproducesPayloadAndCanonicalWithoutSig(string name)
    {
        var vector = EventVectors.Get(name);

        // The cut of sig out of the payload is FindSignature's (below): both halves are canonical forms.
        foreach (var json in new[] { vector.Payload, vector.CanonicalWithoutSig })
        {
            using var document = JsonDocument.Parse(json);
            var output = new ArrayBufferWriter<byte>();

            CanonicalJson.Write(document.RootElement, output).Should().BeNull();

            Encoding.UTF8.GetString(output.WrittenSpan).Should().Be(json);
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void FindSignature_Vector_CutsThePayloadToItsCanonicalFormWithoutSig(string name)
    {
        var vector = EventVectors.Get(name);
        var payload = vector.PayloadBytes;

        JobEventMac.FindSignature(payload, 64, out var member, out var hex).Should().BeNull();

        var (offset, length) = member.GetOffsetAndLength(payload.Length);
        payload[..offset].Concat(payload[(offset + length)..]).Should().Equal(Encoding.UTF8.GetBytes(vector.CanonicalWithoutSig));
        Encoding.UTF8.GetString(payload[hex]).Should().Be(vector.Sig);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Sign_VectorEvent_ReproducesPayloadAndSignature(string name)
    {
        var vector = EventVectors.Get(name);
        var envelope = vector.Envelope;
        var jobEvent = new JobEvent(
            vector.JobId,
            envelope.GetProperty("session").GetString()!,
            Enum.Parse<JobEventType>(envelope.GetProperty("type").GetString()!, ignoreCase: true),
            envelope.GetProperty("seq").GetInt64(),
            vector.Timestamp,
            envelope.GetProperty("nonce").GetString()!,
            envelope.GetProperty("data"));

        var payload = JobEventPublisher.Sign(jobEvent, vector.Token);

        payload.Should().Equal(vector.PayloadBytes);
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(vector.Token), Encoding.UTF8.GetBytes(vector.CanonicalWithoutSig)))
            .Should().Be(vector.Sig);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verify_Vector_Verifies(string name)
    {
        var vector = EventVectors.Get(name);
        var verifier = new JobEventVerifier(new FakeTimeProvider(vector.Timestamp), new CollectingLogger());

        var result = verifier.Verify(vector.Topic, vector.TopicPrefix, vector.PayloadBytes, id => id == vector.JobId ? vector.Job : null);

        result.Reason.Should().BeNull();
        result.IsVerified.Should().BeTrue();
        result.Event!.JobId.Should().Be(vector.JobId);
        result.Event.Timestamp.Should().Be(vector.Timestamp);
        result.Event.Data!.Value.GetRawText().Should().Be(vector.Envelope.GetProperty("data").GetRawText());
    }

    /// <summary>
    /// Every byte position, every other byte value (about 85,000 payloads per run): none verifies.
    /// The verifier never accepts the original first, so a mutated event that passed would be
    /// verified rather than hidden as a duplicate; the original is verified last to show the
    /// drops were the mutations' doing.
    /// </summary>
    [Theory]
    [MemberData(nameof(Vectors))]
    public void Verify_VectorWithAnyOneByteChanged_IsDropped(string name)
    {
        var vector = EventVectors.Get(name);
        var verifier = new JobEventVerifier(new FakeTimeProvider(vector.Timestamp), new CollectingLogger());
        var job = vector.Job;
        var original = vector.PayloadBytes;
        var mutated = (byte[])original.Clone();
        var accepted = new List<string>();

        for (var position = 0; position < original.Length; position++)
        {
            for (var value = 0; value < 256; value++)
            {
                if (value == original[position])
                {
                    continue;
                }

                mutated[position] = (byte)value;
                if (verifier.Verify(vector.Topic, vector.TopicPrefix, mutated, _ => job).IsVerified)
                {
                    accepted.Add($"byte {position} = 0x{value:x2}");
                }
            }

            mutated[position] = original[position];
        }

        accepted.Should().BeEmpty();
        verifier.Drops.Values.Sum().Should().Be(original.Length * 255L);
        verifier.Verify(vector.Topic, vector.TopicPrefix, original, _ => job).IsVerified.Should().BeTrue();
    }
}
