using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Reconciling.Rules;
using AgentSessions.Reconcile.Tests.Reconciling;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>
/// What a pass makes per registry row before the diff (issue #17: a 20,000-row dry run's peak): no
/// string, array or iterator per row where a lookup or a plain loop does. Allocation counts, not time.
/// </summary>
public sealed class PassAllocationTests
{
    private const int Rows = 2_000;

    // A mktemp workspace's name has a dot, so tmux stores every row's name with "_" in its place.
    private const string Workspace = "ws.abc123";

    private static SessionRow[] DottedRows() =>
        [.. Enumerable.Range(0, Rows).Select(i =>
        {
            var row = Some.Row($"{Workspace}-p{i:D5}-creator-claude", SessionStatus.Archived, cwd: $"/w/p{i:D5}");
            row.ClaudeSessionIdOwn = $"87dc548e-0d1c-4a59-9f3e-{i:D12}";
            return row;
        })];

    private static TmuxSession Live(string name) =>
        new(name, null, [new TmuxPane(0, 0, 1, "sleep", "/w", null, isActive: true, isDead: false)]);

    private static long Allocated(Action action)
    {
        action();
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Find_RowNamedWithADot_MakesNoStoredName()
    {
        var tmux = TmuxState.Known([Live("keepalive"), Live("ws_abc123-p00001-creator-claude")]);
        var rows = DottedRows();

        tmux.Find(rows[1].Name)!.Name.Should().Be("ws_abc123-p00001-creator-claude");
        tmux.Find(rows[2].Name).Should().BeNull();
        tmux.Find("x:y").Should().BeNull();
        Allocated(() =>
        {
            foreach (var row in rows)
            {
                tmux.Find(row.Name);
            }
        }).Should().Be(0, "the stored spelling is looked up as a span, not made as a string per row");
    }

    [Fact]
    public void FindUnregistered_ManyRows_HoldsNoSetOfEveryRowsNames()
    {
        var registry = Some.Registry(DottedRows());
        var tmux = TmuxState.Known([Live("keepalive"), Live("ws_abc123-p00001-creator-claude"), Live("ws_abc123-new-creator-claude"), Live("ws.abc123-p00002-creator-claude")]);

        SessionName.FindUnregistered(registry, tmux, Workspace).Select(s => s.Name).Should().Equal("ws_abc123-new-creator-claude");
        (Allocated(() => SessionName.FindUnregistered(registry, tmux, Workspace)) / Rows)
            .Should().BeLessThan(8, "each row takes its names out of the few live ones; no set of 2 × 2,000 names, no string per row");
    }

    [Fact]
    public void Need_StaleIds_AddsEachIdWithoutArraysOrIterators()
    {
        var registry = Some.Registry(DottedRows());
        var tmux = TmuxState.Known([Live("keepalive")]);
        var rule = new StaleIdRule();

        var allocated = Allocated(() => rule.Need(new ObservationNeeds(registry, tmux, Workspace)));

        var needs = new ObservationNeeds(registry, tmux, Workspace);
        rule.Need(needs);
        needs.Request(LiveKeys.Claude).Ids.Should().HaveCount(Rows);
        needs.Wants(LiveKeys.Agy).Should().BeTrue("every row asks about every agent's ids, as before");

        // The set of 2,000 ids grows by doubling (about 50 bytes an id); an array and two iterators per row and agent were 300 more.
        (allocated / Rows).Should().BeLessThan(100);
    }

    [Fact]
    public void Observe_ManyMissingIds_MakesNoFileNamePerId()
    {
        using var temp = new TempFolder();
        var config = temp.CreateDirectory("claude");
        var other = Path.Combine(config, "projects", "-w-other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "87dc548e-0d1c-4a59-9f3e-000000000007.jsonl"), string.Empty);
        File.WriteAllText(Path.Combine(other, "..jsonl"), string.Empty);
        var probe = new ClaudeTranscriptProbe(
            ProbeSettings.From(new SessionProbeOptions { ClaudeConfigDirectory = config, HomeDirectory = temp.Path }, new System.IO.Abstractions.FileSystem()),
            new FakeTimeProvider(DateTimeOffset.UtcNow));
        var request = new ArtifactRequest();
        foreach (var row in DottedRows())
        {
            request.Ids.Add(row.ClaudeSessionIdOwn!);
        }

        request.Ids.Add(".");
        var allocated = Allocated(() => probe.Observe(request, CancellationToken.None));

        var files = probe.Observe(request, CancellationToken.None);
        files.Presence("87dc548e-0d1c-4a59-9f3e-000000000007").Should().Be(ArtifactPresence.Present);
        files.Presence("87dc548e-0d1c-4a59-9f3e-000000000008").Should().Be(ArtifactPresence.Missing);
        files.Presence(".").Should().Be(ArtifactPresence.Missing, "no id names a file outside its folder");

        // The presence of 2,000 ids (about 60 bytes an id); "<id>.jsonl" and two sets of the ids were 200 more.
        (allocated / Rows).Should().BeLessThan(120);
    }

    [Fact]
    public void Message_StaleId_IsMadeAsOneString()
    {
        var rule = new StaleIdRule();
        const string field = "claude_session_id_own";
        var planned = new PlannedDrift(rule, "ws-p1-creator-claude", rule.Key("ws-p1-creator-claude", field), null, field, "87dc548e-0d1c-4a59-9f3e-000000000001", null, null);
        var drift = planned.ToDrift(dryRun: true, outcome: null);
        const string expected = "ws-p1-creator-claude: claude_session_id_own 87dc548e-0d1c-4a59-9f3e-000000000001: claude session transcript is gone. Kept in the registry.";

        drift.Message.Should().Be(expected);
        planned.Observation.Should().Be("ws-p1-creator-claude: claude_session_id_own 87dc548e-0d1c-4a59-9f3e-000000000001: claude session transcript is gone.");

        // The report reads each message once: the sentence's own string and nothing else (the observation apart, a closure and an enumerator were 300 bytes more).
        Allocated(() => _ = drift.Message).Should().BeLessThanOrEqualTo(24 + (2 * expected.Length) + 8);
    }
}
