using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// The MAC checked on the raw payload, before it is parsed: a forged event costs one read of its
/// bytes and one HMAC, and allocates nothing. Only a canonical payload is ever accepted, and in
/// canonical form cutting the top-level <c>sig</c> member (with one comma) out of the payload
/// leaves exactly the signed bytes. A payload that is not canonical is cut the same way; if its
/// MAC passes, the full checks that follow drop it as <c>not-canonical</c>.
/// </summary>
internal static class JobEventMac
{
    private const int StackKeyBytes = 256;

    private static readonly SearchValues<byte> LowerHex = SearchValues.Create("0123456789abcdef"u8);

    /// <summary>
    /// Finds the top-level <c>sig</c> member, reading every token once (nested values are skipped,
    /// no deeper than <paramref name="maxDepth"/>). Returns null and the member's range (with the
    /// comma to cut) and its 64 hex characters, or why there is no one usable signature.
    /// </summary>
    public static DropReason? FindSignature(ReadOnlySpan<byte> payload, int maxDepth, out Range member, out Range hex)
    {
        member = default;
        hex = default;
        var found = 0;
        DropReason? sigProblem = null;
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            if (!reader.Read())
            {
                return DropReason.NotJson;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return reader.Read() ? DropReason.NotJson : DropReason.NotObject;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                var isSig = reader.ValueTextEquals("sig"u8);
                reader.Read();
                if (isSig)
                {
                    found++;
                    sigProblem ??= reader.TokenType != JsonTokenType.String ? DropReason.WrongType
                        : reader.ValueIsEscaped || !IsLowerHex(reader.ValueSpan) ? DropReason.InvalidValue
                        : null;
                    var end = (int)reader.BytesConsumed;
                    member = start..end;
                    hex = (end - 1 - reader.ValueSpan.Length)..(end - 1);
                }

                reader.Skip();
            }

            if (reader.Read())
            {
                return DropReason.NotJson;
            }
        }
        catch (JsonException)
        {
            return JobEventEnvelope.ClassifyUnparsable(payload, maxDepth);
        }

        if (found != 1)
        {
            return found == 0 ? DropReason.MissingField : DropReason.DuplicateKey;
        }

        if (sigProblem is not null)
        {
            return sigProblem;
        }

        // Canonical form has no whitespace: the comma before the member, or after it when it is first.
        var (offset, length) = member.GetOffsetAndLength(payload.Length);
        member = offset > 0 && payload[offset - 1] == (byte)',' ? (offset - 1)..(offset + length)
            : offset + length < payload.Length && payload[offset + length] == (byte)',' ? offset..(offset + length + 1)
            : member;
        return null;
    }

    /// <summary>
    /// Computes HMAC-SHA256 with the UTF-8 bytes of <paramref name="token"/> over
    /// <paramref name="payload"/> without <paramref name="member"/> into <paramref name="mac"/>, and
    /// compares it in constant time with the lower-case hex at <paramref name="hex"/>.
    /// </summary>
    public static bool Matches(ReadOnlySpan<byte> payload, Range member, Range hex, string token, Span<byte> mac)
    {
        Span<byte> claimed = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Convert.FromHexString(payload[hex], claimed, out _, out _);

        var keyLength = Encoding.UTF8.GetByteCount(token);
        Span<byte> key = keyLength <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : new byte[keyLength];
        key = key[..Encoding.UTF8.GetBytes(token, key)];

        var (offset, length) = member.GetOffsetAndLength(payload.Length);
        var signedLength = payload.Length - length;
        var signed = ArrayPool<byte>.Shared.Rent(signedLength);
        payload[..offset].CopyTo(signed);
        payload[(offset + length)..].CopyTo(signed.AsSpan(offset));
        HMACSHA256.HashData(key, signed.AsSpan(0, signedLength), mac);
        ArrayPool<byte>.Shared.Return(signed);
        return CryptographicOperations.FixedTimeEquals(mac, claimed);
    }

    private static bool IsLowerHex(ReadOnlySpan<byte> value) =>
        value.Length == JobEventWire.SignatureHexLength && !value.ContainsAnyExcept(LowerHex);
}
