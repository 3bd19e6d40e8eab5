using System.Text.Json;
using AgentSessions.Reconcile.Cli.Output;
using AgentSessions.Reconcile.Cli.Parsing;
using AgentSessions.Reconcile.Cli.Running;

namespace AgentSessions.Reconcile.Cli.Tests.Output;

/// <summary><c>status</c> and <c>status --json</c> show each live row's attention (issue #18); <c>--attention-after</c> parses.</summary>
public sealed class StatusAttentionTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 7, 10, 2, 11, TimeSpan.Zero);

    private static StatusReport Report()
    {
        var registry = new Registry { Workspace = "lab" };
        registry.Sessions.Add(new SessionRow("lab-api-creator-claude") { Status = SessionStatus.Running });
        registry.Sessions.Add(new SessionRow("lab-old-creator-claude") { Status = SessionStatus.Stopped });
        var tmux = TmuxState.Known([new TmuxSession("lab-api-creator-claude", null, [new TmuxPane(0, 0, 42, "claude", "/w/api", null, true, false)])]);
        var attention = new Dictionary<string, SessionAttention>
        {
            ["lab-api-creator-claude"] = new("waiting", "permission", Since, "hook", "hook Notification (Bash)") { Tool = "Bash", SessionId = "id-1" },
        };
        return StatusBuilder.Build(registry, tmux, new Dictionary<string, LastDrift>(), "lab", "/w", "/w/.hermes/agent-sessions.yaml", true, attention);
    }

    [Fact]
    public void Json_has_attention_per_session_or_null()
    {
        using var doc = JsonDocument.Parse(StatusJsonWriter.ToUtf8(Report()));
        var sessions = doc.RootElement.GetProperty("sessions");

        var a = sessions[0].GetProperty("attention");
        a.GetProperty("state").GetString().Should().Be("waiting");
        a.GetProperty("reason").GetString().Should().Be("permission");
        a.GetProperty("since").GetString().Should().Be("2026-12-07T10:02:11Z");
        a.GetProperty("source").GetString().Should().Be("hook");
        a.GetProperty("evidence").GetString().Should().Be("hook Notification (Bash)");
        sessions[1].GetProperty("attention").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public void Table_has_an_attention_column_only_when_attention_was_observed()
    {
        var text = StatusTableRenderer.Render(Report(), colour: false);

        text.Split('\n')[1].Should().Contain("LIVE").And.Contain("ATTENTION");
        text.Should().Contain("waiting/permission (hook)");
        var without = StatusTableRenderer.Render(Report() with { Rows = [.. Report().Rows.Select(r => r with { Attention = null })] }, colour: false);
        without.Should().NotContain("ATTENTION");
    }

    [Fact]
    public void Attention_after_is_a_whole_number_of_seconds()
    {
        ((ReconcileCommand)CommandLineParser.Parse(["reconcile", "--once", "--attention-after", "90"])).AttentionAfter.Should().Be(TimeSpan.FromSeconds(90));
        ((ReconcileCommand)CommandLineParser.Parse(["reconcile", "--once"])).AttentionAfter.Should().BeNull();
        var act = () => CommandLineParser.Parse(["reconcile", "--attention-after", "soon"]);
        act.Should().Throw<UsageException>().WithMessage("*'--attention-after' must be a whole number of seconds*");
    }
}
