namespace AgentSessions.Reconcile.Tests.Hosting;

public sealed class MonitorTextTests
{
    private static Drift D(int i, DriftClass? c = null, int pad = 60) =>
        new(c ?? DriftClass.TmuxGone, $"lab-s{i}-creator-claude", $"lab-s{i}-creator-claude: tmux gone (was pane {i}, cmd claude). Marked terminated." + new string('.', pad))
        {
            Key = new DriftKey(DriftClass.TmuxGone, $"lab-s{i}"),
        };

    [Fact]
    public void DriftComment_FewDrifts_ListsEachWithClassCode()
    {
        var text = MonitorText.DriftComment("lab", [D(1), new Drift(DriftClass.Unregistered, "x", "x: tmux found but not in YAML. Auto-registered.")], 0, 2048);

        text.Should().Be(
            "agent-sessions: 2 new drifts in lab\n" +
            "- [A] " + D(1).Message + "\n" +
            "- [B] x: tmux found but not in YAML. Auto-registered.");
    }

    [Fact]
    public void DriftComment_ManyDrifts_StaysWithinLimitAndCountsTheRest()
    {
        var drifts = Enumerable.Range(1, 40).Select(i => D(i)).ToList();

        var text = MonitorText.DriftComment("lab", drifts, 0, 2048);

        text.Length.Should().BeLessThanOrEqualTo(2048);
        text.Should().StartWith("agent-sessions: 40 new drifts in lab\n");
        var listed = text.Split('\n').Count(l => l.StartsWith("- [A] ", StringComparison.Ordinal));
        listed.Should().BeGreaterThan(5);
        text.Should().EndWith($"… and {40 - listed} more drifts");
    }

    [Fact]
    public void DriftComment_OverflowCount_AddedToSummary()
    {
        var text = MonitorText.DriftComment("lab", [D(1)], 7, 2048);

        text.Should().StartWith("agent-sessions: 8 new drifts in lab");
        text.Should().EndWith("\n… and 7 more drifts");
    }

    [Fact]
    public void DriftComment_OneHugeDrift_CutToFit()
    {
        var text = MonitorText.DriftComment("lab", [D(1, pad: 5000), D(2)], 0, 300);

        text.Length.Should().BeLessThanOrEqualTo(300);
        text.Should().Contain("- [A] lab-s1-creator-claude: tmux gone");
        text.Should().EndWith("… and 1 more drift");
    }

    [Fact]
    public void Heartbeat_NoDriftYet_SaysNever()
    {
        MonitorText.Heartbeat(0, null).Should().Be("alive, 0 drifts detected, last at never");
    }

    [Fact]
    public void Heartbeat_AfterDrifts_CountAndRfc3339Utc()
    {
        var at = new DateTimeOffset(2026, 5, 1, 14, 3, 9, TimeSpan.FromHours(2)).AddMilliseconds(250);

        MonitorText.Heartbeat(12, at).Should().Be("alive, 12 drifts detected, last at 2026-05-01T12:03:09Z");
    }

    [Fact]
    public void StopReason_Time_IsSeedText()
    {
        MonitorText.StopReason(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero))
            .Should().Be("stop-requested by user at 2026-05-01T12:00:00Z");
    }
}
