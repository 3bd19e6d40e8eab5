using System.Globalization;

namespace AgentSessions.Reconcile.Attention;

/// <summary>What each source said about one live row's agent, gathered by <see cref="AttentionProbe"/>.</summary>
internal sealed record AttentionEvidence
{
    /// <summary>Gets the newest hook record of the agent under the row's pane (or of its session id).</summary>
    public HookRecord? Hook { get; init; }

    /// <summary>Gets the per-process file of the agent under the row's pane.</summary>
    public ClaudeProcessFile? Process { get; init; }

    /// <summary>Gets the tail of the agent's transcript.</summary>
    public TranscriptTail? Transcript { get; init; }

    /// <summary>Gets when the transcript last grew (its mtime).</summary>
    public DateTimeOffset? TranscriptWritten { get; init; }

    /// <summary>Gets the pane pattern that matched, when the pane was read.</summary>
    public PaneText.Pattern? Pane { get; init; }

    /// <summary>Gets since when the pane has shown that pattern.</summary>
    public DateTimeOffset? PaneSince { get; init; }
}

/// <summary>
/// One attention state from the evidence, in the order of authority hook &gt; process &gt;
/// transcript &gt; pane: the first source that knows wins and the evidence names it. Pure.
/// Two refinements, each a newer fact the stronger source cannot have seen: an API-error record
/// in the transcript newer than the hook's last event makes the row <c>limited</c>; a transcript
/// that grew after a hook said <c>waiting</c> means the prompt was answered (<c>working</c>).
/// <c>working</c> with no hook, process-file or transcript activity for longer than the threshold
/// is <c>wedged</c>.
/// </summary>
internal static class AttentionResolver
{
    public static AttentionState Resolve(AttentionEvidence e, DateTimeOffset now, TimeSpan wedgedAfter)
    {
        var lastActivity = Latest(Latest(e.Hook?.At, e.TranscriptWritten), e.Process?.UpdatedAt);
        var transcript = e.Transcript;

        if (e.Hook is { State: not "ended" } hook)
        {
            if (transcript is { Limit: { } limit, LastAt: { } errorAt } && errorAt > hook.At)
            {
                return Limited(transcript, limit, errorAt);
            }

            if (hook.State == AttentionState.Waiting && e.TranscriptWritten is { } written && written > hook.At)
            {
                return Wedge(new AttentionState(AttentionState.Working, null, written, "transcript", $"transcript grew at {Clock(written)} after hook {hook.Event}"), lastActivity, now, wedgedAfter);
            }

            var evidence = $"hook {hook.Event}" + (hook.Tool is { } t && hook.State == AttentionState.Waiting ? $" ({t})" : string.Empty);
            return Wedge(new AttentionState(hook.State, hook.Reason, hook.Since, "hook", evidence, hook.Tool), lastActivity, now, wedgedAfter);
        }

        if (e.Process is { Status: { } status } process)
        {
            return Wedge(new AttentionState(status, null, process.UpdatedAt, "process", $"process file sessions/{process.Pid}.json status"), lastActivity, now, wedgedAfter);
        }

        if (transcript is { LastType: not null })
        {
            if (transcript.Limit is { } limit)
            {
                return Limited(transcript, limit, transcript.LastAt);
            }

            return transcript.TurnEnded
                ? new AttentionState(AttentionState.Idle, null, transcript.LastAt, "transcript", "transcript: the last assistant record ended its turn")
                : Wedge(new AttentionState(AttentionState.Working, null, transcript.LastAt, "transcript", $"transcript: last record {transcript.LastType}"), lastActivity, now, wedgedAfter);
        }

        if (e.Pane is { } pane)
        {
            return new AttentionState(pane.State, pane.Reason, e.PaneSince, "pane", $"pane text ({pane.Id})");
        }

        return AttentionState.None;
    }

    private static AttentionState Limited(TranscriptTail transcript, string limit, DateTimeOffset? at)
    {
        var text = transcript.LimitText is { Length: > 0 } s ? $": \"{s}\"" : string.Empty;
        return new AttentionState(AttentionState.Limited, limit, at, "transcript",
            limit == "usage_limit" ? $"transcript: API error 429 rate_limit{text}" : $"transcript: API error record{text}");
    }

    // Working, but nothing moved for longer than the threshold: wedged, since the last sign of life.
    private static AttentionState Wedge(AttentionState state, DateTimeOffset? lastActivity, DateTimeOffset now, TimeSpan wedgedAfter) =>
        state.State == AttentionState.Working && lastActivity is { } last && now - last > wedgedAfter
            ? new AttentionState(AttentionState.Wedged, "no_progress", last, state.Source,
                $"{state.Evidence}; no hook event or transcript growth since {Clock(last)}", state.Tool)
            : state;

    // Enumerable.Max of the two without an array: nulls ignored, the first of equal instants kept.
    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null || (b is { } y && y > a.Value) ? b : a;

    internal static string Clock(DateTimeOffset t) => t.ToUniversalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
