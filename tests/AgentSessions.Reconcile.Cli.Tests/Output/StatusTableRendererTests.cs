using System.Text;
using System.Text.Json;
using AgentSessions.Reconcile.Cli.Output;
using AgentSessions.Reconcile.Cli.Running;
using AgentSessions.Reconcile.Cli.Tests.TestSupport;

namespace AgentSessions.Reconcile.Cli.Tests.Output;

public sealed class StatusTableRendererTests
{
    private static Registry RegistryWith(params SessionRow[] rows)
    {
        var registry = new Registry { Workspace = "lab" };
        foreach (var r in rows)
        {
            registry.Sessions.Add(r);
        }

        return registry;
    }

    private static TmuxSession Live(string name, long pid, string cmd) =>
        new(name, null, [new TmuxPane(0, 0, pid, cmd, "/w/" + name, null, isActive: true, isDead: false)]);

    private static StatusReport Sample(bool tmuxKnown = true)
    {
        var registry = RegistryWith(
            new SessionRow("lab-web-creator-claude")
            {
                Status = SessionStatus.Running,
                ClaudeSessionIdOwn = "87dc548e-0d1c-4a59-9f3e-2c7f0b1d2e3f",
                Pane = new PaneInfo { Pid = 11, Cmd = "claude" },
            },
            new SessionRow("lab-api-creator-agy")
            {
                Status = SessionStatus.Running,
                AgySessionIdOwn = "5b0c7a9e-1f2d-4e3c-8b7a-6d5e4f3a2b1c",
                Pane = new PaneInfo { Pid = 201132, Cmd = "agy" },
            },
            new SessionRow("lab-old-creator-claude") { Status = SessionStatus.Stopped });
        var tmux = tmuxKnown
            ? TmuxState.Known([Live("lab-web-creator-claude", 4242, "claude"), Live("lab-new-creator-claude", 77, "node"), Live("other", 1, "bash")])
            : TmuxState.Unknown("tmux timed out");
        var drifts = new Dictionary<string, LastDrift>
        {
            ["lab-api-creator-agy"] = new("A", "tmux gone", Some.At),
        };
        return StatusBuilder.Build(registry, tmux, drifts, "lab", "/w", "/w/.hermes/agent-sessions.yaml", registryExists: true);
    }

    [Fact]
    public void Build_RegistryAndTmux_LiveStatePerRowAndUnregisteredLast()
    {
        var report = Sample();

        report.Rows.Select(r => (r.Name, r.Live)).Should().Equal(
            ("lab-web-creator-claude", Liveness.Alive),
            ("lab-api-creator-agy", Liveness.Gone),
            ("lab-old-creator-claude", Liveness.Gone),
            ("lab-new-creator-claude", Liveness.Alive));
        report.Rows[^1].Registered.Should().BeFalse();
        report.Rows[0].PanePid.Should().Be(4242, "a live pane wins over the recorded one");
        report.Rows[1].PanePid.Should().Be(201132);
        report.Rows[1].PaneIsLive.Should().BeFalse();
    }

    [Fact]
    public void Build_TmuxUnknown_EveryRowUnknownNeverGone()
    {
        Sample(tmuxKnown: false).Rows.Should().OnlyContain(r => r.Live == Liveness.Unknown);
    }

    [Fact]
    public void Render_NoColour_AlignedColumnsExactText()
    {
        var text = StatusTableRenderer.Render(Sample(), colour: false);

        text.Should().Be(
            "workspace lab (/w/.hermes/agent-sessions.yaml)\n"
            + "SESSION                 STATUS          LIVE   PANE          CLAUDE ID  AGY ID    LAST DRIFT\n"
            + "lab-web-creator-claude  running         alive  4242 claude   87dc548e   -         -\n"
            + "lab-api-creator-agy     running         gone   (201132 agy)  -          5b0c7a9e  A 2026-11-20 10:05Z tmux gone\n"
            + "lab-old-creator-claude  stopped         gone   -             -          -         -\n"
            + "lab-new-creator-claude  (unregistered)  alive  77 node       -          -         -\n");
        text.Should().NotContain("\u001b");
    }

    [Fact]
    public void Render_Colour_LiveColumnColouredAndStillAligned()
    {
        var text = StatusTableRenderer.Render(Sample(), colour: true);

        text.Should().Contain("\u001b[32malive\u001b[0m").And.Contain("\u001b[31mgone\u001b[0m");
        var plain = System.Text.RegularExpressions.Regex.Replace(text, "\u001b\\[[0-9;]*m", string.Empty);
        plain.Should().Be(StatusTableRenderer.Render(Sample(), colour: false));
    }

    [Fact]
    public void Render_TmuxUnknown_SaysWhy()
    {
        StatusTableRenderer.Render(Sample(tmuxKnown: false), colour: false)
            .Should().Contain("tmux: unknown (tmux timed out)").And.Contain("unknown");
    }

    [Fact]
    public void Render_WideAndControlCharacters_AlignedAndSanitised()
    {
        var registry = RegistryWith(
            new SessionRow("lab-日本-creator-claude") { Status = SessionStatus.Running },
            new SessionRow("lab-\u001b[2J-creator-claude") { Status = SessionStatus.Running });
        var report = StatusBuilder.Build(registry, TmuxState.Known([]), new Dictionary<string, LastDrift>(), "lab", "/w", "/w/r", true);

        var lines = StatusTableRenderer.Render(report, colour: false).Split('\n');

        lines[2].Should().StartWith("lab-日本-creator-claude  running");
        lines[3].Should().StartWith("lab-?[2J-creator-claude  running");
        StatusTableRenderer.DisplayWidth(lines[2][..lines[2].IndexOf("running", StringComparison.Ordinal)])
            .Should().Be(StatusTableRenderer.DisplayWidth(lines[3][..lines[3].IndexOf("running", StringComparison.Ordinal)]));
    }

    [Fact]
    public void Build_DottedWorkspace_UsesTheReconcilersNameRules()
    {
        var registry = RegistryWith(new SessionRow("my.app-a-creator-claude") { Status = SessionStatus.Running });
        registry.Workspace = "my.app";
        var tmux = TmuxState.Known([Live("my_app-a-creator-claude", 1, "claude"), Live("my_app-b-creator-claude", 2, "claude"), Live("my.app-notes", 3, "bash")]);

        var report = StatusBuilder.Build(registry, tmux, new Dictionary<string, LastDrift>(), "my.app", "/w", "/w/r", true);

        report.Rows.Select(r => (r.Name, r.Registered, r.Live)).Should().Equal(
            ("my.app-a-creator-claude", true, Liveness.Alive),
            ("my_app-b-creator-claude", false, Liveness.Alive));
    }

    [Fact]
    public void Render_NoSessions_SaysSo()
    {
        var report = StatusBuilder.Build(new Registry(), TmuxState.Known([]), new Dictionary<string, LastDrift>(), "lab", "/w", "/w/r", false);

        StatusTableRenderer.Render(report, colour: false).Should().Be("workspace lab (/w/r) - no registry yet\nno sessions\n");
    }

    [Fact]
    public void StatusJson_Sample_KeysAndValues()
    {
        using var doc = JsonDocument.Parse(StatusJsonWriter.ToUtf8(Sample()));
        var root = doc.RootElement;

        root.EnumerateObject().Select(p => p.Name).Should().Equal(
            "version", "workspace", "workspace_root", "registry", "registry_exists", "tmux", "sessions");
        var sessions = root.GetProperty("sessions");
        sessions.GetArrayLength().Should().Be(4);
        sessions[0].GetProperty("live").GetString().Should().Be("alive");
        sessions[0].GetProperty("pane").GetProperty("pid").GetInt64().Should().Be(4242);
        sessions[0].GetProperty("claude_session_id_own").GetString().Should().Be("87dc548e-0d1c-4a59-9f3e-2c7f0b1d2e3f");
        sessions[1].GetProperty("last_drift").GetProperty("class").GetString().Should().Be("A");
        sessions[1].GetProperty("last_drift").GetProperty("at").GetString().Should().Be("2026-11-20T10:05:00Z");
        sessions[2].GetProperty("pane").ValueKind.Should().Be(JsonValueKind.Null);
        sessions[3].GetProperty("registered").GetBoolean().Should().BeFalse();
        sessions[3].GetProperty("status").ValueKind.Should().Be(JsonValueKind.Null);
        Encoding.UTF8.GetString(StatusJsonWriter.ToUtf8(Sample())).Should().NotContain("\n");
    }
}
