using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AgentSessions.Reconcile.Cli.Tests.TestSupport;

/// <summary>
/// A JSON Schema (draft 2020-12) validator for the subset docs/drift-report.schema.json uses. It
/// throws on any keyword it does not know, so the schema cannot grow a rule the tests ignore.
/// </summary>
internal sealed class MiniJsonSchema
{
    private static readonly HashSet<string> Annotations =
        ["$schema", "$id", "$defs", "title", "description", "format"];

    private readonly JsonElement root;

    public MiniJsonSchema(JsonElement root) => this.root = root;

    public static MiniJsonSchema Load(string path) =>
        new(JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone());

    public static string SchemaPath => Path.Combine(AppContext.BaseDirectory, "drift-report.schema.json");

    public IReadOnlyList<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    public IReadOnlyList<string> Validate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Validate(doc.RootElement);
    }

    private void Check(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            switch (keyword.Name)
            {
                case var a when Annotations.Contains(a):
                    break;
                case "$ref":
                    Check(Resolve(keyword.Value.GetString()!), value, at, errors);
                    break;
                case "type":
                    var types = keyword.Value.ValueKind == JsonValueKind.Array
                        ? keyword.Value.EnumerateArray().Select(t => t.GetString()!).ToArray()
                        : [keyword.Value.GetString()!];
                    if (!types.Any(t => HasType(value, t)))
                    {
                        errors.Add($"{at}: expected {string.Join("|", types)}, got {value.ValueKind}");
                    }

                    break;
                case "const":
                    if (!JsonElement.DeepEquals(keyword.Value, value))
                    {
                        errors.Add($"{at}: expected const {keyword.Value.GetRawText()}, got {value.GetRawText()}");
                    }

                    break;
                case "enum":
                    if (!keyword.Value.EnumerateArray().Any(e => JsonElement.DeepEquals(e, value)))
                    {
                        errors.Add($"{at}: {value.GetRawText()} is not one of {keyword.Value.GetRawText()}");
                    }

                    break;
                case "required":
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var name in keyword.Value.EnumerateArray())
                        {
                            if (!value.TryGetProperty(name.GetString()!, out _))
                            {
                                errors.Add($"{at}: missing required '{name.GetString()}'");
                            }
                        }
                    }

                    break;
                case "dependentRequired":
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var dep in keyword.Value.EnumerateObject())
                        {
                            if (value.TryGetProperty(dep.Name, out _))
                            {
                                foreach (var name in dep.Value.EnumerateArray())
                                {
                                    if (!value.TryGetProperty(name.GetString()!, out _))
                                    {
                                        errors.Add($"{at}: '{dep.Name}' requires '{name.GetString()}'");
                                    }
                                }
                            }
                        }
                    }

                    break;
                case "properties":
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var prop in keyword.Value.EnumerateObject())
                        {
                            if (value.TryGetProperty(prop.Name, out var child))
                            {
                                Check(prop.Value, child, at + "." + prop.Name, errors);
                            }
                        }
                    }

                    break;
                case "additionalProperties":
                    if (value.ValueKind == JsonValueKind.Object)
                    {
                        if (keyword.Value.ValueKind != JsonValueKind.False)
                        {
                            throw new NotSupportedException("additionalProperties other than false");
                        }

                        var known = schema.TryGetProperty("properties", out var props)
                            ? props.EnumerateObject().Select(p => p.Name).ToHashSet()
                            : [];
                        foreach (var prop in value.EnumerateObject())
                        {
                            if (!known.Contains(prop.Name))
                            {
                                errors.Add($"{at}: unexpected property '{prop.Name}'");
                            }
                        }
                    }

                    break;
                case "items":
                    if (value.ValueKind == JsonValueKind.Array)
                    {
                        var i = 0;
                        foreach (var item in value.EnumerateArray())
                        {
                            Check(keyword.Value, item, $"{at}[{i++}]", errors);
                        }
                    }

                    break;
                case "minimum":
                    if (value.ValueKind == JsonValueKind.Number && value.GetDecimal() < keyword.Value.GetDecimal())
                    {
                        errors.Add($"{at}: {value.GetRawText()} < minimum {keyword.Value.GetRawText()}");
                    }

                    break;
                case "minLength":
                    if (value.ValueKind == JsonValueKind.String
                        && new StringInfo(value.GetString()!).LengthInTextElements < keyword.Value.GetInt32())
                    {
                        errors.Add($"{at}: shorter than {keyword.Value.GetInt32()}");
                    }

                    break;
                case "pattern":
                    if (value.ValueKind == JsonValueKind.String && !Regex.IsMatch(value.GetString()!, keyword.Value.GetString()!))
                    {
                        errors.Add($"{at}: '{value.GetString()}' does not match {keyword.Value.GetString()}");
                    }

                    break;
                default:
                    throw new NotSupportedException($"MiniJsonSchema does not know the keyword '{keyword.Name}' (at {at}).");
            }
        }
    }

    private JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException("Only local references: " + reference);
        }

        var node = root;
        foreach (var part in reference[2..].Split('/'))
        {
            node = node.GetProperty(part);
        }

        return node;
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        _ => throw new NotSupportedException("type " + type),
    };
}
