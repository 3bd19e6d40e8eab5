using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace AgentSessions.Reconcile.Cli.Tests.TestSupport;

/// <summary>docs/drift-report.schema.json (or another schema of docs/ copied beside the tests), checked with JsonSchema.Net (formats too).</summary>
internal static class DriftReportSchema
{
    // Lazy: JsonSchema.FromText registers the schema's $id globally, so two tests building it at once would
    // make the second throw "Overwriting registered schemas is not permitted" (GetOrAdd may run its factory twice).
    private static readonly ConcurrentDictionary<string, Lazy<JsonSchema>> Schemas = new(StringComparer.Ordinal);

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>Each failure as "instance location: keyword: message"; empty when the JSON is valid.</summary>
    public static IReadOnlyList<string> Validate(string json, string schemaFile = "drift-report.schema.json")
    {
        var schema = Schemas.GetOrAdd(schemaFile, f => new(() => JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, f))))).Value;
        using var doc = JsonDocument.Parse(json);
        var result = schema.Evaluate(doc.RootElement, Options);
        return result.IsValid
            ? []
            : [.. (result.Details ?? [result]).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }
}
