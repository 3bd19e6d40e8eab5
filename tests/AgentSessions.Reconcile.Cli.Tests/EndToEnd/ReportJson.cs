using System.Text.Json;
using AgentSessions.Reconcile.Cli.Tests.TestSupport;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>The one report a <c>reconcile --once --emit-diff</c> run printed, checked against the schema.</summary>
internal static class ReportJson
{
    public static JsonElement Parse(CliResult result)
    {
        result.ExitCode.Should().Be(0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle(result.ToString());
        DriftReportSchema.Validate(lines[0]).Should().BeEmpty(result.ToString());
        return JsonDocument.Parse(lines[0]).RootElement.Clone();
    }
}
