using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt.Tests;

public sealed class CanonicalJsonTests
{
    // The reference publisher's canonical form, applied line by line.
    private const string PythonCanonical =
        "import json, sys\n" +
        "for line in sys.stdin.buffer:\n" +
        "    sys.stdout.buffer.write(json.dumps(json.loads(line), sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode('utf-8') + b'\\n')\n";

    [Theory]
    [InlineData("\"\\u0000\\u0007\\b\\t\\n\\u000b\\f\\r\\u001f\"", "\"\\u0000\\u0007\\b\\t\\n\\u000b\\f\\r\\u001f\"")]
    [InlineData("\"\\\"\\\\\\/\"", "\"\\\"\\\\/\"")]
    [InlineData("\"<>&'+\\u007f\\u00e9\\u2028\\ud83d\\ude00\"", "\"<>&'+\u007fé\u2028😀\"")]
    [InlineData("{\"b\":[],\"a\":{},\"\":null,\"B\":true}", "{\"\":null,\"B\":true,\"a\":{},\"b\":[]}")]
    [InlineData("[ -0 , 9223372036854775807, -9223372036854775808 ]", "[0,9223372036854775807,-9223372036854775808]")]
    public void Write_Value_WritesCanonicalForm(string json, string expected) =>
        Canonical(json).Should().Be(expected);

    [Fact]
    public void DropReasonTexts_AreTheDocumentedOnes() =>
        Enum.GetValues<DropReason>().Select(r => r.ToText()).Should().Equal(
            "oversized", "invalid-utf8", "not-json", "too-deep", "not-object", "duplicate-key", "missing-field",
            "wrong-type", "floating-point", "integer-out-of-range", "invalid-string", "invalid-value", "invalid-job-id", "not-canonical",
            "unknown-version", "bad-topic", "topic-mismatch", "unknown-job", "no-token", "bad-signature", "stale",
            "future", "duplicate", "replayed", "out-of-order");

    [Theory]
    [InlineData("[1.5]", "floating-point")]
    [InlineData("{\"a\":{\"b\":1E2}}", "floating-point")]
    [InlineData("[18446744073709551616]", "integer-out-of-range")]
    [InlineData("{\"a\":1,\"a\":1}", "duplicate-key")]
    [InlineData("{\"\\u0061\":1,\"a\":1}", "duplicate-key")]
    [InlineData("[\"\\udc00\"]", "invalid-string")]
    [InlineData("{\"\\ud800\":1}", "invalid-string")]
    public void Write_ValueWithoutCanonicalForm_ReturnsReason(string json, string reason)
    {
        using var document = JsonDocument.Parse(json);

        var result = CanonicalJson.Write(document.RootElement, new ArrayBufferWriter<byte>());

        result.Should().NotBeNull();
        result!.Value.ToText().Should().Be(reason);
    }

    /// <summary>
    /// 300 random values (seeded) with strings from every range the form treats apart, sent to
    /// Python fully escaped and compared with what Python's json.dumps makes of them.
    /// </summary>
    [Fact]
    public async Task Write_RandomValues_MatchPythonJsonDumps()
    {
        var random = new Random(20261129);
        var values = Enumerable.Range(0, 300).Select(_ => RandomObject(random, depth: 0)).ToList();
        var input = string.Join('\n', values.Select(v => JsonSerializer.Serialize(v))) + "\n";

        var (exitCode, output, error) = await SignEventScript.RunAsync(["-c", PythonCanonical], Encoding.UTF8.GetBytes(input));

        exitCode.Should().Be(0, error);
        var expected = output.Split('\n')[..^1];
        expected.Should().HaveCount(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Canonical(JsonSerializer.Serialize(values[i])).Should().Be(expected[i], $"value {i}");
        }
    }

    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        var output = new ArrayBufferWriter<byte>();
        CanonicalJson.Write(document.RootElement, output).Should().BeNull();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static Dictionary<string, object?> RandomObject(Random random, int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var count = random.Next(0, 6);
        for (var i = 0; i < count; i++)
        {
            const string KeyChars = "abcXYZ_-.09 \"\\/\t";
            var key = new string([.. Enumerable.Range(0, random.Next(0, 5)).Select(_ => KeyChars[random.Next(KeyChars.Length)])]);
            result[key] = RandomValue(random, depth + 1);
        }

        return result;
    }

    private static object? RandomValue(Random random, int depth) => random.Next(depth > 3 ? 5 : 7) switch
    {
        0 => null,
        1 => random.Next(2) == 0,
        2 => random.NextInt64(long.MinValue, long.MaxValue),
        3 => random.Next(-1000, 1000),
        4 => RandomString(random),
        5 => Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomValue(random, depth + 1)).ToList(),
        _ => RandomObject(random, depth),
    };

    private static string RandomString(Random random)
    {
        // Controls, ASCII, DEL, Latin-1, the line separators, the BMP's top, private use, astral.
        (int From, int To)[] ranges =
            [(0x00, 0x1F), (0x20, 0x7E), (0x7F, 0xA0), (0xA1, 0x17F), (0x2028, 0x2029), (0xD7F0, 0xD7FF), (0xE000, 0xE0FF), (0xFFF0, 0xFFFF), (0x1F600, 0x1F64F), (0x10FFF0, 0x10FFFF)];
        var text = new StringBuilder();
        for (var i = random.Next(0, 12); i > 0; i--)
        {
            var (from, to) = ranges[random.Next(ranges.Length)];
            text.Append(char.ConvertFromUtf32(random.Next(from, to + 1)));
        }

        return text.ToString();
    }
}
