using AgentSessions.Reconcile.Tests.Reconciling;

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
}
