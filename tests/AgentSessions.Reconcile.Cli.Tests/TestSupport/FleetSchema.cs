using System.Text.Json;
using Json.Schema;

namespace AgentSessions.Reconcile.Cli.Tests.TestSupport;

/// <summary>docs/fleet.schema.json, checked with JsonSchema.Net (formats too).</summary>
internal static class FleetSchema
{
    private static readonly JsonSchema Schema =
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fleet.schema.json")));

    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>Each failure as "instance location: keyword: message"; empty when the JSON is valid.</summary>
    public static IReadOnlyList<string> Validate(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = Schema.Evaluate(doc.RootElement, Options);
        return result.IsValid
            ? []
            : [.. (result.Details ?? [result]).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))];
    }
}
