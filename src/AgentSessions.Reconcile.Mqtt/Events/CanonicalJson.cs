using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// RFC 8785 (JCS) canonical JSON for integer-only values: object keys sorted by UTF-16 code
/// units, no whitespace, strings escaped only where JSON requires (<c>"</c>, <c>\</c>, control
/// characters as <c>\b \t \n \f \r</c> or <c>\u00xx</c>) and every other character as raw UTF-8.
/// For ASCII keys that is byte for byte Python's
/// <c>json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)</c>, which the
/// reference publisher signs; <see cref="Utf8JsonWriter"/> escapes non-ASCII and <c>&lt;&gt;&amp;'+</c>,
/// so it cannot be used.
/// </summary>
internal static class CanonicalJson
{
    // Throws on a lone surrogate instead of writing U+FFFD: such a string has no canonical form.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes <paramref name="value"/> in canonical form. Returns why the value has no canonical
    /// form (a float, an integer beyond 64 bits, a duplicate key, a lone surrogate), or null.
    /// Recursion is bounded by the depth limit the document was parsed with. The document's
    /// text must be valid UTF-8 (the verifier checks it first; a writer's output is).
    /// </summary>
    public static DropReason? Write(JsonElement value, ArrayBufferWriter<byte> output)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                return WriteObject(value, output);
            case JsonValueKind.Array:
                output.Write("["u8);
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first)
                    {
                        output.Write(","u8);
                    }

                    first = false;
                    if (Write(item, output) is { } reason)
                    {
                        return reason;
                    }
                }

                output.Write("]"u8);
                return null;
            case JsonValueKind.String:
                // Without a backslash the raw text (quotes included) is already canonical: JSON
                // has no raw control characters or quotes inside a string, and the text is UTF-8.
                var raw = JsonMarshal.GetRawUtf8Value(value);
                if (!raw.Contains((byte)'\\'))
                {
                    output.Write(raw);
                    return null;
                }

                if (!TryGetString(value, out var text))
                {
                    return DropReason.InvalidString;
                }

                WriteString(text, output);
                return null;
            case JsonValueKind.Number:
                return WriteInteger(value, output);
            case JsonValueKind.True:
                output.Write("true"u8);
                return null;
            case JsonValueKind.False:
                output.Write("false"u8);
                return null;
            case JsonValueKind.Null:
                output.Write("null"u8);
                return null;
            default:
                return DropReason.NotJson;
        }
    }

    /// <summary>
    /// Signs a JSON object that has no <c>sig</c>: its canonical form with <c>sig</c> added, the lower-case hex of
    /// HMAC-SHA256 with the UTF-8 bytes of <paramref name="key"/> over the canonical form without it.
    /// </summary>
    /// <exception cref="ArgumentException">The object has no canonical form; the message names <paramref name="what"/> and why.</exception>
    public static byte[] Sign(ReadOnlySpan<byte> unsignedObject, string key, int maxDepth, string what)
    {
        var unsigned = Canonical(unsignedObject, maxDepth, what);
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), unsigned));

        // The member goes before the closing brace; writing the canonical form again puts it in its place.
        var sig = Encoding.UTF8.GetBytes((unsigned.Length > 2 ? "," : string.Empty) + "\"sig\":\"" + mac + "\"}");
        return Canonical([.. unsigned.AsSpan(0, unsigned.Length - 1), .. sig], maxDepth, what);
    }

    private static byte[] Canonical(ReadOnlySpan<byte> json, int maxDepth, string what)
    {
        using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = maxDepth });
        var output = new ArrayBufferWriter<byte>(json.Length);
        try
        {
            var reason = document.RootElement.ValueKind == JsonValueKind.Object ? Write(document.RootElement, output) : DropReason.NotObject;
            return reason is null ? output.WrittenSpan.ToArray()
                : throw new ArgumentException($"{what} has no canonical form ({reason.Value.ToText()}): use an object of strings, integers, booleans, null, arrays and objects, each key once.");
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"{what} holds a string with a lone surrogate: it has no canonical form.", e);
        }
    }

    /// <summary>Writes <paramref name="text"/> as a canonical JSON string. Throws <see cref="ArgumentException"/> on a lone surrogate.</summary>
    public static void WriteString(ReadOnlySpan<char> text, ArrayBufferWriter<byte> output)
    {
        output.Write("\""u8);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            WriteUtf8(text[start..i], output);
            WriteEscape(c, output);
            start = i + 1;
        }

        WriteUtf8(text[start..], output);
        output.Write("\""u8);
    }

    private static DropReason? WriteObject(JsonElement value, ArrayBufferWriter<byte> output)
    {
        var properties = new List<KeyValuePair<string, JsonElement>>();
        foreach (var property in value.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                return DropReason.InvalidString;
            }

            properties.Add(new(name, property.Value));
        }

        // RFC 8785 sorts by UTF-16 code units: ordinal string comparison.
        properties.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        output.Write("{"u8);
        for (var i = 0; i < properties.Count; i++)
        {
            var (name, item) = properties[i];
            if (i > 0)
            {
                // Parsers disagree on a repeated key (first wins, last wins): such an object has no one meaning.
                if (string.Equals(properties[i - 1].Key, name, StringComparison.Ordinal))
                {
                    return DropReason.DuplicateKey;
                }

                output.Write(","u8);
            }

            WriteString(name, output);
            output.Write(":"u8);
            if (Write(item, output) is { } reason)
            {
                return reason;
            }
        }

        output.Write("}"u8);
        return null;
    }

    private static DropReason? WriteInteger(JsonElement value, ArrayBufferWriter<byte> output)
    {
        // A float has no one canonical text across languages: the contract allows integers only
        // (1.0 and 1e3 included, whatever their value).
        if (JsonMarshal.GetRawUtf8Value(value).IndexOfAny(".eE"u8) >= 0)
        {
            return DropReason.FloatingPoint;
        }

        if (!value.TryGetInt64(out var integer))
        {
            return DropReason.IntegerOutOfRange;
        }

        // Written from the value, not copied: "-0" is 0, as the reference publisher writes it.
        var span = output.GetSpan(20);
        integer.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
        return null;
    }

    private static bool TryGetString(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate (\ud800): not text, and no canonical UTF-8 form.
            text = string.Empty;
            return false;
        }
    }

    private static void WriteUtf8(ReadOnlySpan<char> text, ArrayBufferWriter<byte> output)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = output.GetSpan(StrictUtf8.GetMaxByteCount(text.Length));
        output.Advance(StrictUtf8.GetBytes(text, span));
    }

    private static void WriteEscape(char c, ArrayBufferWriter<byte> output)
    {
        switch (c)
        {
            case '"': output.Write("\\\""u8); break;
            case '\\': output.Write("\\\\"u8); break;
            case '\b': output.Write("\\b"u8); break;
            case '\t': output.Write("\\t"u8); break;
            case '\n': output.Write("\\n"u8); break;
            case '\f': output.Write("\\f"u8); break;
            case '\r': output.Write("\\r"u8); break;
            default:
                var span = output.GetSpan(6);
                "\\u00"u8.CopyTo(span);
                span[4] = LowerHex[c >> 4];
                span[5] = LowerHex[c & 0xF];
                output.Advance(6);
                break;
        }
    }

    private static ReadOnlySpan<byte> LowerHex => "0123456789abcdef"u8;
}
