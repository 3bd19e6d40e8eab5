using AgentSessions.Reconcile.Attention;

namespace AgentSessions.Reconcile.Tests.Attention;

public sealed class AttentionResolverTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan Wedged = TimeSpan.FromMinutes(15);

    [Fact]
    public void The_hook_wins_over_every_other_source_and_names_itself()
    {
        var e = new AttentionEvidence
        {
            Hook = Hook("waiting", "permission", "Notification", Now.AddMinutes(-2), tool: "Bash"),
            Process = new ClaudeProcessFile(7, "s", Now.AddMinutes(-3), "working"),
            Transcript = new TranscriptTail("assistant", Now.AddMinutes(-3), true, null, null),
            TranscriptWritten = Now.AddMinutes(-3),
            Pane = PaneText.Patterns.Single(p => p.Id == "claude-spinner"),
        };

        var state = AttentionResolver.Resolve(e, Now, Wedged);

        state.Should().Be(new AttentionState("waiting", "permission", Now.AddMinutes(-2), "hook", "hook Notification (Bash)", "Bash"));
        state.NeedsAttention(Now, TimeSpan.FromSeconds(60)).Should().BeTrue();
        state.NeedsAttention(Now, TimeSpan.FromMinutes(5)).Should().BeFalse();
    }

    [Fact]
    public void Then_the_process_file_then_the_transcript_then_the_pane()
    {
        var transcript = new TranscriptTail("assistant", Now.AddMinutes(-1), true, null, null);
        var pane = PaneText.Patterns.Single(p => p.Id == "claude-permission-prompt");

        AttentionResolver.Resolve(new() { Process = new ClaudeProcessFile(7, "s", Now, "working"), Transcript = transcript, Pane = pane }, Now, Wedged)
            .Should().Match<AttentionState>(s => s.State == "working" && s.Source == "process");
        AttentionResolver.Resolve(new() { Process = new ClaudeProcessFile(7, "s", Now, null), Transcript = transcript, Pane = pane }, Now, Wedged)
            .Should().Match<AttentionState>(s => s.State == "idle" && s.Source == "transcript");
        AttentionResolver.Resolve(new() { Pane = pane, PaneSince = Now.AddSeconds(-90) }, Now, Wedged)
            .Should().Be(new AttentionState("waiting", "permission", Now.AddSeconds(-90), "pane", "pane text (claude-permission-prompt)"));
        AttentionResolver.Resolve(new(), Now, Wedged).Should().Be(AttentionState.None);
    }

    [Fact]
    public void A_rate_limit_record_newer_than_the_hooks_last_event_makes_the_row_limited()
    {
        var e = new AttentionEvidence
        {
            Hook = Hook("idle", null, "Stop", Now.AddMinutes(-10)),
            Transcript = new TranscriptTail("assistant", Now.AddMinutes(-9), false, "usage_limit", "You've hit your limit · resets 8:50pm (UTC)"),
            TranscriptWritten = Now.AddMinutes(-9),
        };

        var state = AttentionResolver.Resolve(e, Now, Wedged);

        state.State.Should().Be("limited");
        state.Reason.Should().Be("usage_limit");
        state.Source.Should().Be("transcript");
        state.Evidence.Should().Contain("429").And.Contain("resets 8:50pm (UTC)");
        state.NeedsAttention(Now, TimeSpan.FromSeconds(60)).Should().BeTrue();

        // An older error record than the hook's event: the hook knows better.
        AttentionResolver.Resolve(e with { Hook = Hook("working", null, "UserPromptSubmit", Now.AddMinutes(-1)) }, Now, Wedged).State.Should().Be("working");
    }

    [Fact]
    public void Working_with_no_hook_event_and_no_transcript_growth_past_the_threshold_is_wedged()
    {
        var e = new AttentionEvidence
        {
            Hook = Hook("working", null, "PreToolUse", Now.AddMinutes(-20), tool: "Bash"),
            Transcript = new TranscriptTail("assistant", Now.AddMinutes(-20), false, null, null),
            TranscriptWritten = Now.AddMinutes(-16),
        };

        var state = AttentionResolver.Resolve(e, Now, Wedged);

        state.State.Should().Be("wedged");
        state.Since.Should().Be(Now.AddMinutes(-16));
        state.Evidence.Should().StartWith("hook PreToolUse;").And.EndWith("since 10:14:00", "no duration in it: the sentence must stay the same for the whole episode");
        AttentionResolver.Resolve(e with { TranscriptWritten = Now.AddMinutes(-14) }, Now, Wedged).State.Should().Be("working");

        // Idle is never wedged, however long.
        AttentionResolver.Resolve(e with { Hook = Hook("idle", null, "Stop", Now.AddHours(-3)) }, Now, Wedged).State.Should().Be("idle");
    }

    [Fact]
    public void A_transcript_that_grew_after_a_waiting_hook_means_the_prompt_was_answered()
    {
        var e = new AttentionEvidence
        {
            Hook = Hook("waiting", "permission", "Notification", Now.AddMinutes(-3)),
            TranscriptWritten = Now.AddMinutes(-1),
            Transcript = new TranscriptTail("user", Now.AddMinutes(-1), false, null, null),
        };

        var state = AttentionResolver.Resolve(e, Now, Wedged);

        state.State.Should().Be("working");
        state.Source.Should().Be("transcript");
    }

    [Fact]
    public void An_ended_hook_falls_through_to_the_next_source()
    {
        var e = new AttentionEvidence { Hook = Hook("ended", null, "SessionEnd", Now), Transcript = new TranscriptTail("assistant", Now, true, null, null) };

        AttentionResolver.Resolve(e, Now, Wedged).Source.Should().Be("transcript");
    }

    private static HookRecord Hook(string state, string? reason, string evt, DateTimeOffset at, string? tool = null) =>
        new() { SessionId = "s", Event = evt, State = state, Reason = reason, At = at, Since = at, Tool = tool };
}
