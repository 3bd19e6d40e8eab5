using System.Text.Json.Nodes;
using AgentSessions.Reconcile.Cli.Hooks;
using AgentSessions.Reconcile.Cli.Tests.EndToEnd;

namespace AgentSessions.Reconcile.Cli.Tests.Hooks;

/// <summary>
/// <c>hook install | uninstall</c> on a real settings file that has other hooks and settings in it
/// (the shape of Claude Code's hooks reference, https://code.claude.com/docs/en/hooks "Configuration").
/// Run through the built tool.
/// </summary>
public sealed class HookSettingsTests : IDisposable
{
    private const string Theirs =
        """
        {
          "model": "opus",
          "permissions": { "allow": ["Bash(ls:*)"] },
          "hooks": {
            "Notification": [
              { "matcher": "permission_prompt", "hooks": [ { "type": "command", "command": "notify-send 'Claude needs you'" } ] }
            ],
            "PreToolUse": [
              { "matcher": "Bash", "hooks": [ { "type": "command", "command": "~/bin/check-bash.sh", "timeout": 30 } ] }
            ],
            "PreCompact": [
              { "hooks": [ { "type": "command", "command": "echo compact" } ] }
            ]
          }
        }
        """;

    private readonly string top = Path.Combine(Path.GetTempPath(), "asr-hookset-" + Guid.NewGuid().ToString("N")[..12]);

    public HookSettingsTests() => Directory.CreateDirectory(Path.Combine(top, "project", ".claude"));

    private string ProjectSettings => Path.Combine(top, "project", ".claude", "settings.json");

    public void Dispose() => Directory.Delete(top, recursive: true);

    [Fact]
    public void Install_adds_the_entries_keeps_everything_else_and_is_idempotent_then_uninstall_removes_exactly_them()
    {
        File.WriteAllText(ProjectSettings, Theirs);

        var first = Cli("hook", "install", "--project", Path.Combine(top, "project"));
        first.ExitCode.Should().Be(0, first.ToString());
        first.Stdout.Should().Contain("added 'agent-sessions hook' for SessionStart, UserPromptSubmit, PreToolUse");
        File.ReadAllText(ProjectSettings + ".bak").Should().Be(Theirs);

        var installed = JsonNode.Parse(File.ReadAllText(ProjectSettings))!.AsObject();
        installed["model"]!.GetValue<string>().Should().Be("opus");
        installed["permissions"]!.ToJsonString().Should().Be("""{"allow":["Bash(ls:*)"]}""");
        foreach (var name in HookSettings.Events)
        {
            Ours(installed, name).Should().Be(1, name);
        }

        installed["hooks"]!["PreToolUse"]!.AsArray().Should().HaveCount(2, "their Bash group stays, ours is added beside it");
        installed["hooks"]!["PreToolUse"]![0]!.ToJsonString().Should().Contain("check-bash.sh");
        installed["hooks"]!["PreCompact"]!.AsArray().Should().HaveCount(1);

        var again = Cli("hook", "install", "--project", Path.Combine(top, "project"));
        again.ExitCode.Should().Be(0);
        again.Stdout.Should().Contain("already installed; nothing changed");
        JsonNode.Parse(File.ReadAllText(ProjectSettings))!.ToJsonString().Should().Be(installed.ToJsonString());

        var removed = Cli("hook", "uninstall", "--project", Path.Combine(top, "project"));
        removed.ExitCode.Should().Be(0, removed.ToString());
        JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(ProjectSettings)), JsonNode.Parse(Theirs)).Should().BeTrue(File.ReadAllText(ProjectSettings));

        var none = Cli("hook", "uninstall", "--project", Path.Combine(top, "project"));
        none.Stdout.Should().Contain("no hooks of this tool; nothing changed");
    }

    [Fact]
    public void User_settings_are_under_CLAUDE_CONFIG_DIR_and_created_when_absent_then_uninstall_leaves_an_empty_object()
    {
        var config = Path.Combine(top, "claude-config");

        var result = Cli("hook", "install", "--user");

        result.ExitCode.Should().Be(0, result.ToString());
        var path = Path.Combine(config, "settings.json");
        File.Exists(path + ".bak").Should().BeFalse("there was no file to keep");
        var settings = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        settings["hooks"]!.AsObject().Select(p => p.Key).Should().Equal(HookSettings.Events);

        Cli("hook", "uninstall", "--user").ExitCode.Should().Be(0);
        File.ReadAllText(path).Trim().Should().Be("{}");
    }

    [Fact]
    public void A_settings_file_that_is_not_json_is_refused_with_its_place_and_not_changed()
    {
        File.WriteAllText(ProjectSettings, "{\n  \"model\": \"opus\",\n  oops\n}\n");

        var result = Cli("hook", "install", "--project", Path.Combine(top, "project"));

        result.ExitCode.Should().Be(8);
        result.Stderr.Should().Contain(ProjectSettings).And.Contain("line 3").And.Contain("it was not changed");
        File.ReadAllText(ProjectSettings).Should().Be("{\n  \"model\": \"opus\",\n  oops\n}\n");
        File.Exists(ProjectSettings + ".bak").Should().BeFalse();
    }

    [Fact]
    public void Hooks_of_the_wrong_type_are_refused()
    {
        File.WriteAllText(ProjectSettings, """{ "hooks": { "Stop": {} } }""");

        var result = Cli("hook", "install", "--project", Path.Combine(top, "project"));

        result.ExitCode.Should().Be(8);
        result.Stderr.Should().Contain("'hooks.Stop' is not an array");
    }

    [Theory]
    [InlineData("hook install", "say which settings to change")]
    [InlineData("hook install --user --project .", "cannot be used together")]
    [InlineData("hook uninstall --project /nonexistent-asr", "is not a folder")]
    public void Which_file_must_be_said_once(string line, string says)
    {
        var result = Cli(line.Split(' '));

        result.ExitCode.Should().Be(2);
        result.Stderr.Should().Contain(says);
    }

    private static int Ours(JsonObject settings, string name) =>
        settings["hooks"]![name]!.AsArray().Count(g => g!["hooks"]!.AsArray().Any(h => h!["command"]!.GetValue<string>() == HookSettings.Command));

    private CliResult Cli(params string[] args)
    {
        var env = new Dictionary<string, string?> { ["HOME"] = top, ["CLAUDE_CONFIG_DIR"] = Path.Combine(top, "claude-config") };
        return CliProcess.Run(env, top, args);
    }
}
