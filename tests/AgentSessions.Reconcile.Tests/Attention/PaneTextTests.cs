using AgentSessions.Reconcile.Attention;

namespace AgentSessions.Reconcile.Tests.Attention;

/// <summary>
/// Pane patterns against screens shaped like the public references' own fixtures: herdr
/// <c>src/detect/manifests/claude.toml</c> and <c>antigravity.toml</c>, ccmanager
/// <c>src/services/stateDetector/claude.ts</c> (and its claude.test.ts screens).
/// </summary>
public sealed class PaneTextTests
{
    [Theory]
    [InlineData("⏺ Bash(rm -rf build)\n\n Bash command\n   rm -rf build\n\n Do you want to proceed?\n ❯ 1. Yes\n   2. No, and tell Claude what to do differently (esc)\n", "claude-permission-prompt", "waiting", "permission")]
    [InlineData("Requesting permission for: run_command\n  npm test\nDo you want to proceed?\n> Allow once\n", "agy-permission-prompt", "waiting", "permission")]
    [InlineData("Which database?\n❯ 1. Postgres\n  2. SQLite\nEnter to select · ↑/↓ to navigate · Esc to cancel\n", "claude-question-form", "waiting", "question")]
    [InlineData("✻ Pondering… (12s · ↓ 88 tokens)\n\n────\n❯ \n────\n  ⏵⏵ accept edits on (shift+tab to cycle) · esc to interrupt\n", "claude-esc-to-interrupt", "working", null)]
    [InlineData("some output\n✶ Reticulating… (4s · ↑ 12 tokens)\n", "claude-spinner", "working", null)]
    [InlineData("⠋ Thinking about it\n", "agy-spinner", "working", null)]
    public void A_screen_is_classified_with_its_pattern(string screen, string id, string state, string? reason)
    {
        var pattern = PaneText.Classify(screen);

        pattern.Should().NotBeNull();
        pattern!.Id.Should().Be(id);
        pattern.State.Should().Be(state);
        pattern.Reason.Should().Be(reason);
        pattern.Source.Should().Contain("herdr");
    }

    [Theory]
    [InlineData("────\n❯ \n────\n  ? for shortcuts\n")]
    [InlineData("  ⏵⏵ bypass permissions on (shift+tab to cycle)\n")] // ntm #79: must not read as anything
    [InlineData("$ grep -r 'Do you want to proceed?' src\nsrc/x.ts: Do you want to proceed?\n$ ")]
    [InlineData("")]
    public void A_prompt_a_status_bar_or_quoted_text_says_nothing(string screen)
    {
        PaneText.Classify(screen).Should().BeNull();
    }

    [Fact]
    public void Only_the_bottom_of_the_pane_counts()
    {
        var old = "Do you want to proceed?\n❯ 1. Yes\n  2. No\n";
        var screen = old + string.Concat(Enumerable.Repeat("later output\n", PaneText.Lines + 5));

        PaneText.Classify(screen).Should().BeNull();
    }
}
