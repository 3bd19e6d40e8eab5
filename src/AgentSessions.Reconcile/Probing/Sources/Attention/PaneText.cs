using System.Text.RegularExpressions;

namespace AgentSessions.Reconcile.Attention;

/// <summary>
/// The last resort: what a pane's visible text says, only for a live row no structured source
/// explains. Every pattern names its public source; pane text never concludes <c>idle</c> (a
/// status bar read as idle is the classic mistake: Dicklesworthstone/ntm #79, herdrdev/herdr #1630,
/// kbwo/ccmanager #227), only <c>waiting</c> or <c>working</c>.
/// </summary>
internal static partial class PaneText
{
    /// <summary>One pattern and where it comes from.</summary>
    internal sealed record Pattern(string Id, string State, string? Reason, string Source, Func<string, bool> Matches);

    /// <summary>The lines looked at: the bottom of the pane, as the sources do (herdr: bottom 12 non-empty lines; ccmanager: last 30).</summary>
    public const int Lines = 30;

    /// <summary>The patterns, strongest first.</summary>
    public static IReadOnlyList<Pattern> Patterns { get; } =
    [
        // herdr src/detect/manifests/claude.toml, rules generic_permission_prompt and bash_permission_prompt:
        // "do you want to proceed?" with numbered yes/no choices; ccmanager src/services/stateDetector/claude.ts: "do you want" … "yes".
        new("claude-permission-prompt", AttentionState.Waiting, "permission", "herdr src/detect/manifests/claude.toml (generic_permission_prompt); ccmanager src/services/stateDetector/claude.ts",
            t => t.Contains("do you want to proceed?", StringComparison.OrdinalIgnoreCase) && YesNoChoice().IsMatch(t)),

        // herdr src/detect/manifests/antigravity.toml, rule permission_prompt.
        new("agy-permission-prompt", AttentionState.Waiting, "permission", "herdr src/detect/manifests/antigravity.toml (permission_prompt)",
            t => t.Contains("requesting permission for:", StringComparison.OrdinalIgnoreCase) && t.Contains("do you want to proceed?", StringComparison.OrdinalIgnoreCase)),

        // herdr claude.toml, rule live_blocked_form: a form (AskUserQuestion) with "esc to cancel" and "enter to select" + arrow keys.
        new("claude-question-form", AttentionState.Waiting, "question", "herdr src/detect/manifests/claude.toml (live_blocked_form)",
            t => t.Contains("esc to cancel", StringComparison.OrdinalIgnoreCase) && t.Contains("enter to select", StringComparison.OrdinalIgnoreCase)
                && t.Contains("to navigate", StringComparison.OrdinalIgnoreCase)),

        // herdr claude.toml, rule live_turn_working; ccmanager claude.ts: "esc to interrupt".
        new("claude-esc-to-interrupt", AttentionState.Working, null, "herdr src/detect/manifests/claude.toml (live_turn_working); ccmanager src/services/stateDetector/claude.ts",
            t => t.Contains("esc to interrupt", StringComparison.OrdinalIgnoreCase)),

        // herdr claude.toml, rule live_turn_working: a spinner glyph, a word, "…", then a live counter "(4s ·".
        new("claude-spinner", AttentionState.Working, null, "herdr src/detect/manifests/claude.toml (live_turn_working)",
            t => ClaudeSpinner().IsMatch(t)),

        // herdr src/detect/manifests/antigravity.toml, rule spinner_working: a braille spinner and an "…ing" word.
        new("agy-spinner", AttentionState.Working, null, "herdr src/detect/manifests/antigravity.toml (spinner_working)",
            t => AgySpinner().IsMatch(t)),
    ];

    /// <summary>The first pattern the bottom <see cref="Lines"/> lines of <paramref name="text"/> match, or <see langword="null"/>.</summary>
    public static Pattern? Classify(string text)
    {
        var lines = text.Split('\n');
        var bottom = string.Join('\n', lines.Skip(Math.Max(0, lines.Length - Lines)));
        return Patterns.FirstOrDefault(p => p.Matches(bottom));
    }

    [GeneratedRegex(@"(?im)^\s*(?:❯\s*)?[12]\.\s*(?:yes|no)\b")]
    private static partial Regex YesNoChoice();

    [GeneratedRegex(@"(?m)^\s*[\*·✢✶✻✽]\s+\S.*…\s*(?:\(\d+[smh](?:\s|·)|$)")]
    private static partial Regex ClaudeSpinner();

    [GeneratedRegex(@"(?m)^\s*[\u2800-\u28FF]+\s+\p{L}+\w*ing\b")]
    private static partial Regex AgySpinner();
}
