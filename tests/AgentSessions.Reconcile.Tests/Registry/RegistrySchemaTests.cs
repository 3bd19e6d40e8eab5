using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CsCheck;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>
/// docs/agent-sessions.schema.json against the model: what the store accepts, the schema accepts;
/// what the store rejects for a schema rule, the schema rejects. YAML is read as an editor's YAML
/// language server reads it (YAML 1.2 core schema), then checked with JsonSchema.Net.
/// </summary>
public sealed partial class RegistrySchemaTests
{
    /// <summary>Store rules JSON Schema cannot express: a property unique across the items of an array.</summary>
    private static readonly string[] NotExpressible = ["duplicate-session-names"];

    private static readonly JsonSchema Schema =
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "agent-sessions.schema.json")));

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List };

    public static TheoryData<string> SchemaCases() =>
        new(RegistryMalformedInputTests.Malformed.All.Where(c => c.Value.Kind == RegistryErrorKind.Schema && !NotExpressible.Contains(c.Key)).Select(c => c.Key));

    [Fact]
    public void Validate_GeneratedRegistries_AreValid()
    {
        Gen.Select(Gen.Int[0, 6], Gen.Int, Gen.Bool).Sample(
            d =>
            {
                var text = RegistryRoundTripPropertyTests.Generate(d.Item1, d.Item2, d.Item3);
                TestYaml.Load(text); // the store accepts it
                Errors(text).Should().BeEmpty(text);
            },
            iter: 300);
    }

    [Theory]
    [MemberData(nameof(SchemaCases))]
    public void Validate_MalformedFileBreakingASchemaRule_IsInvalid(string name)
    {
        var text = ReadCase(name);

        Errors(text).Should().NotBeEmpty(text);
    }

    [Fact]
    public void Validate_NotExpressibleCases_AreValidAndStillSchemaErrorsOfTheStore()
    {
        foreach (var name in NotExpressible)
        {
            RegistryMalformedInputTests.Malformed.All[name].Kind.Should().Be(RegistryErrorKind.Schema);
            Errors(ReadCase(name)).Should().BeEmpty(name);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("sessions:\n")]
    [InlineData("version: 1\nworkspace: lab\nsessions: []\nx-owner: { any: [thing, 1, null] }\n")]
    [InlineData("sessions:\n  - name: a\n    status: null\n    pane: null\n    jobs: ~\n    agent_identities:\n      claude: { session_id: 87dc548e }\n      agy:\n")]
    [InlineData("sessions:\n  - name: 42\n    agent: true\n    created_at: 2026-11-20 10:00:00.5+01:00\n    custom: { nested: [1, 2] }\n")]
    public void Validate_HandWrittenValidRegistry_IsValid(string text) => Errors(text).Should().BeEmpty();

    [Theory]
    [InlineData("sessions:\n  - name: \"\"\n", "/sessions/0/name")]
    [InlineData("sessions:\n  - name: a\n    jobs:\n      - job_id: j1\n        status: Running\n", "/sessions/0/jobs/0/status")]
    [InlineData("sessions:\n  - name: a\n    agent_identities:\n      claude: [87dc548e]\n", "/sessions/0/agent_identities/claude")]
    [InlineData("version: 1.5\n", "/version")]
    public void Validate_WrongValue_ReportsItsLocation(string text, string location) =>
        Errors(text).Should().Contain(e => e.StartsWith(location + ":", StringComparison.Ordinal));

    private static string ReadCase(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "asr-schema-" + Guid.NewGuid().ToString("N") + ".yaml");
        try
        {
            RegistryMalformedInputTests.Malformed.All[name].Create(path);
            return File.ReadAllText(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<string> Errors(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
        using var doc = JsonDocument.Parse(json?.ToJsonString() ?? "null");
        var result = Schema.Evaluate(doc.RootElement, Options);
        return result.IsValid
            ? []
            : [.. (result.Details ?? [result]).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    /// <summary>A scalar as YAML 1.2's core schema resolves it (what YAML language servers use).</summary>
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || !scalar.Tag.IsEmpty)
        {
            return JsonValue.Create(text);
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return JsonValue.Create(text[0] is 't' or 'T');
        }

        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (Float().IsMatch(text))
        {
            return JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text); // .inf, .nan, 0o17 and everything else: JSON has no such numbers; as text
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
