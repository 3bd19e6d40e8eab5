using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>
/// Whether the Claude probe's answer (<see cref="ClaudeTranscriptProbe.Observe"/>, reused by quiet
/// passes) is the one built, as before the reuse, from a pass's listing
/// (<see cref="ClaudeTranscriptProbe.Probe"/>): the same conversations per cwd, the same presence
/// per id, and the same drift found by rules C and D on rows of those cwds and ids.
/// </summary>
internal static class ClaudeDriftCheck
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The answer as <see cref="ClaudeTranscriptProbe.Observe"/> built it before answers were reused (its code, unchanged).</summary>
    public static AgentFiles Reference(ClaudeProbeResult result)
    {
        var conversations = new List<AgentConversation>();
        foreach (var (cwd, listing) in result.TranscriptsByCwd)
        {
            var wanted = AgentFiles.NormalizePath(cwd);
            foreach (var t in listing.Transcripts)
            {
                if (t.RecordedCwd is { } recorded
                    && string.Equals(AgentFiles.NormalizePath(recorded), wanted, StringComparison.Ordinal)
                    && (t.RecordedSessionId is null || string.Equals(t.RecordedSessionId, t.SessionId, StringComparison.Ordinal)))
                {
                    conversations.Add(new AgentConversation(t.SessionId, cwd, t.LastWrite));
                }
            }
        }

        var present = new List<string>();
        var unknown = new List<string>();
        foreach (var (id, presence) in result.SessionPresence)
        {
            (presence == ArtifactPresence.Present ? present : presence == ArtifactPresence.Unknown ? unknown : null)?.Add(id);
        }

        return new AgentFiles(conversations, present, unknown);
    }

    /// <summary>Asserts that <paramref name="actual"/> answers as <paramref name="expected"/> for these cwds and ids, and that C and D find the same drift.</summary>
    public static void ShouldAnswerAs(AgentFiles actual, AgentFiles expected, IReadOnlyCollection<string> cwds, IReadOnlyCollection<string> ids)
    {
        foreach (var cwd in cwds)
        {
            actual.In(cwd).Select(Text).Should().Equal(expected.In(cwd).Select(Text), $"the conversations of {cwd}");
        }

        foreach (var id in ids.Concat(cwds.SelectMany(c => expected.In(c).Select(x => x.Id))))
        {
            actual.Presence(id).Should().Be(expected.Presence(id), $"the presence of {id}");
        }

        Drifts(actual, cwds, ids).Should().Equal(Drifts(expected, cwds, ids), "C and D find the same drift");
    }

    /// <summary>
    /// What C and D find with this answer: a live row without an id in each cwd (once created at the
    /// epoch, once without <c>created_at</c>), and a stopped row recording each id.
    /// </summary>
    public static List<string> Drifts(AgentFiles files, IReadOnlyCollection<string> cwds, IReadOnlyCollection<string> ids)
    {
        var registry = new AgentSessions.Reconcile.Registry { Workspace = "lab" };
        var i = 0;
        foreach (var cwd in cwds)
        {
            registry.Sessions.Add(new SessionRow($"c{i}") { Agent = "claude", Cwd = cwd, Status = SessionStatus.Running, CreatedAt = DateTimeOffset.UnixEpoch });
            registry.Sessions.Add(new SessionRow($"u{i++}") { Agent = "claude", Cwd = cwd, Status = SessionStatus.Running });
        }

        foreach (var id in ids)
        {
            registry.Sessions.Add(new SessionRow($"d{i++}") { Agent = "claude", Cwd = "/nowhere", Status = SessionStatus.Stopped, ClaudeSessionIdOwn = id });
        }

        var live = new LiveState(TmuxState.Known([])).With(LiveKeys.Claude, files);
        var diff = DriftDiff.Compute(
            registry, live, Now, new DiffOptions("lab", TimeSpan.FromSeconds(5)), new Dictionary<string, DateTimeOffset>(), [new IdMaterializedRule(), new StaleIdRule()]);
        return
        [
            .. diff.Drifts.Select(d => $"{d.Key} {d.Observation} -> {d.After}"),
            .. diff.UndecidedKeys.Select(k => $"undecided {k}").Order(StringComparer.Ordinal),
            .. diff.Notes,
        ];
    }

    private static string Text(AgentConversation c) => $"{c.Id} {c.Cwd} {c.LastWrite:O}";
}
