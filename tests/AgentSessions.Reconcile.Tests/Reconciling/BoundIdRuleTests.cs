using AgentSessions.Reconcile.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>Session ids bound to processes (issue #18): the agent's own id wins over the newest transcript in the folder.</summary>
public sealed class BoundIdRuleTests
{
    private const string A = "lab-a-creator-claude";
    private const string B = "lab-b-creator-claude";
    private const string Folder = Some.Root + "/api";

    private static FakeSessionProbe TwoAgentsInOneFolder() => new FakeSessionProbe().SetTmuxKnown()
        .AddTmuxSession(A, Folder, 100, "claude")
        .AddTmuxSession(B, Folder, 200, "claude")

        // B's transcript is the newest in the folder: "newest wins" would give it to A too.
        .AddTranscript(Folder, "id-a", Some.Now.AddMinutes(-2))
        .AddTranscript(Folder, "id-b", Some.Now.AddMinutes(-1));

    private static SessionAttention Bound(string id, string source = "process", string? clearedFrom = null) =>
        new("working", null, Some.Now, source, "x") { SessionId = id, SessionIdSource = source, ClearedFrom = clearedFrom };

    [Fact]
    public void Two_agents_in_one_folder_each_get_the_id_their_process_names()
    {
        var registry = Some.Registry(Some.Row(A, cwd: Folder, pid: 100), Some.Row(B, cwd: Folder, pid: 200));
        var probe = TwoAgentsInOneFolder().SetAttention(A, Bound("id-a")).SetAttention(B, Bound("id-b", "hook"));

        var after = Some.ApplyTo(registry, Some.Diff(registry, probe));

        after.Find(A)!.ClaudeSessionIdOwn.Should().Be("id-a");
        after.Find(B)!.ClaudeSessionIdOwn.Should().Be("id-b");
    }

    [Fact]
    public void Without_a_binding_the_newest_transcript_rule_still_applies()
    {
        var registry = Some.Registry(Some.Row(A, cwd: Folder, pid: 100));

        var after = Some.ApplyTo(registry, Some.Diff(registry, TwoAgentsInOneFolder()));

        after.Find(A)!.ClaudeSessionIdOwn.Should().Be("id-b", "this is the old rule's guess, which binding replaces");
    }

    [Fact]
    public void Clear_moves_the_rows_own_id_forward_and_keeps_the_old_one()
    {
        var row = Some.Row(A, cwd: Folder, pid: 100);
        row.ClaudeSessionIdOwn = "id-a";
        var registry = Some.Registry(row);
        var probe = TwoAgentsInOneFolder().SetAttention(A, Bound("id-a2", "hook", clearedFrom: "id-a"));

        var diff = Some.Diff(registry, probe);
        var after = Some.ApplyTo(registry, diff);

        diff.Drifts.Where(d => d.Session == A).Should().ContainSingle().Which.Observation.Should().Contain("moved to id-a2 after /clear");
        after.Find(A)!.ClaudeSessionIdOwn.Should().Be("id-a2");
        after.Find(A)!.AgentIdentities["claude"]["cleared_session_ids"].Should().Be("id-a");

        // A second clear appends; the first old id stays.
        var again = Some.Registry(after.Find(A)!);
        var third = Some.ApplyTo(again, Some.Diff(again, TwoAgentsInOneFolder().SetAttention(A, Bound("id-a3", "hook", clearedFrom: "id-a2"))));
        third.Find(A)!.AgentIdentities["claude"]["cleared_session_ids"].Should().Be("id-a id-a2");
        third.Find(A)!.ClaudeSessionIdOwn.Should().Be("id-a3");
    }

    [Fact]
    public void An_id_bound_to_two_live_rows_is_reported_and_given_to_neither()
    {
        var registry = Some.Registry(Some.Row(A, cwd: Folder, pid: 100), Some.Row(B, cwd: Folder, pid: 200));
        var probe = TwoAgentsInOneFolder().SetAttention(A, Bound("id-x")).SetAttention(B, Bound("id-x"));

        var diff = Some.Diff(registry, probe);

        diff.Drifts.Should().BeEmpty();
        diff.Notes.Should().ContainSingle().Which.Should().Be($"Claude session id-x is bound to 2 live rows ({A}, {B}): none of them takes it as its own id.");
    }

    [Fact]
    public void A_different_bound_id_without_a_clear_is_not_guessed()
    {
        var row = Some.Row(A, cwd: Folder, pid: 100);
        row.ClaudeSessionIdOwn = "id-a";
        var registry = Some.Registry(row);

        Some.Diff(registry, TwoAgentsInOneFolder().SetAttention(A, Bound("id-other"))).Drifts.Where(d => d.Session == A).Should().BeEmpty();
    }
}
