using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Kanban;

public sealed class JsonLinesKanbanGatewayTests
{
    [Fact]
    public async Task CommentAsync_AnyBody_WritesOneKanbanCommentLineWithNonAsciiKept()
    {
        var output = new StringWriter();
        var gateway = new JsonLinesKanbanGateway(new JsonLinesKanbanGatewayOptions { Output = output, TaskId = "t_0a1b2c3d" });

        var result = await gateway.CommentAsync("drift: ünïcode 🚀 \"quoted\"\nsecond line <b>");

        result.Should().Be(KanbanResult.Success);
        // BMP text stays raw; System.Text.Json writes characters beyond the BMP as \u surrogate pairs, which readers restore.
        var text = output.ToString();
        text.Should().Be(
            "{\"tool\":\"kanban_comment\",\"task_id\":\"t_0a1b2c3d\",\"body\":\"drift: ünïcode \\uD83D\\uDE80 \\\"quoted\\\"\\nsecond line <b>\"}\n");
        JsonDocument.Parse(text).RootElement.GetProperty("body").GetString().Should().Be("drift: ünïcode 🚀 \"quoted\"\nsecond line <b>");
    }

    [Fact]
    public async Task HeartbeatAsync_NoteAndNone_WritesNoteOnlyWhenGiven()
    {
        var output = new StringWriter();
        var gateway = new JsonLinesKanbanGateway(new JsonLinesKanbanGatewayOptions { Output = output });

        await gateway.HeartbeatAsync("alive, 2 drifts detected");
        await gateway.HeartbeatAsync(null);

        output.ToString().Should().Be(
            "{\"tool\":\"kanban_heartbeat\",\"note\":\"alive, 2 drifts detected\"}\n{\"tool\":\"kanban_heartbeat\"}\n");
    }

    [Theory]
    [InlineData(KanbanBlockKind.NeedsInput, ",\"kind\":\"needs_input\"")]
    [InlineData(KanbanBlockKind.Dependency, ",\"kind\":\"dependency\"")]
    [InlineData(KanbanBlockKind.Capability, ",\"kind\":\"capability\"")]
    [InlineData(KanbanBlockKind.Transient, ",\"kind\":\"transient\"")]
    [InlineData(null, "")]
    public async Task BlockAsync_Kind_WritesHermesKindName(KanbanBlockKind? kind, string kindField)
    {
        var output = new StringWriter();
        var gateway = new JsonLinesKanbanGateway(new JsonLinesKanbanGatewayOptions { Output = output });

        await gateway.BlockAsync("stop-requested by user at 2027-01-15T08:00:00Z", kind);

        output.ToString().Should().Be(
            "{\"tool\":\"kanban_block\",\"reason\":\"stop-requested by user at 2027-01-15T08:00:00Z\"" + kindField + "}\n");
    }

    [Fact]
    public async Task CommentAsync_ConcurrentCallers_EveryLineIsWholeJson()
    {
        var output = new StringWriter();
        var gateway = new JsonLinesKanbanGateway(new JsonLinesKanbanGatewayOptions { Output = output });

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => gateway.CommentAsync($"comment {i}\nwith newline"))));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(200);
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("body").GetString())
            .Should().BeEquivalentTo(Enumerable.Range(0, 200).Select(i => $"comment {i}\nwith newline"));
    }

    [Fact]
    public async Task CommentAsync_WriterClosed_Failed()
    {
        var output = new StringWriter();
        output.Dispose();
        var gateway = new JsonLinesKanbanGateway(new JsonLinesKanbanGatewayOptions { Output = output });

        (await gateway.CommentAsync("x")).Outcome.Should().Be(KanbanOutcome.Failed);
    }

    [Fact]
    public async Task ReadCommentsAsync_NoIncomingReader_ReturnsEmptyOk()
    {
        var gateway = new JsonLinesKanbanGateway(new JsonLinesKanbanGatewayOptions { Output = new StringWriter() });

        var page = await gateway.ReadCommentsAsync(null);

        page.Result.Should().Be(KanbanResult.Success);
        page.Comments.Should().BeEmpty();
        page.Cursor.Should().BeNull();
    }

    [Fact]
    public async Task ReadCommentsAsync_IncomingLines_ReturnsNewCommentsMarksOwnAndNamesBadLines()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var incoming = new StringReader(
            "{\"author\":\"alice\",\"body\":\"stop\",\"created_at\":1799999990}\n"
            + "not json\n"
            + "\n"
            + "{\"author\":\"monitor\",\"body\":\"stopped tmux session x\"}\n"
            + "{\"body\":\"no author\"}\n");
        var gateway = new JsonLinesKanbanGateway(
            new JsonLinesKanbanGatewayOptions { Output = new StringWriter(), IncomingComments = incoming, SelfAuthor = "monitor" },
            time);

        var reasons = new StringBuilder();
        var page = await PollAsync(gateway, expected: 2, reasons);

        page.Comments.Should().Equal(
            new KanbanComment("alice", "stop", DateTimeOffset.FromUnixTimeSeconds(1_799_999_990), false),
            new KanbanComment("monitor", "stopped tmux session x", DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), true));
        page.Cursor.Should().Be(new KanbanCursor("2"));
        var next = await gateway.ReadCommentsAsync(page.Cursor);
        next.Comments.Should().BeEmpty();
        reasons.Append(next.Result.Reason);
        reasons.ToString().Should().Contain("line 2").And.Contain("line 5");
    }

    [Fact]
    public async Task ReadCommentsAsync_InvalidCursor_Rejected()
    {
        var gateway = new JsonLinesKanbanGateway(new JsonLinesKanbanGatewayOptions { Output = new StringWriter() });

        (await gateway.ReadCommentsAsync(new KanbanCursor("v1:2:3"))).Result.Outcome.Should().Be(KanbanOutcome.Rejected);
    }

    /// <summary>Reads until <paramref name="expected"/> comments arrived (bounded); each read's skipped-line reasons go to <paramref name="reasons"/> (a read reports them once).</summary>
    private static async Task<KanbanCommentPage> PollAsync(JsonLinesKanbanGateway gateway, int expected, StringBuilder? reasons = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var page = await gateway.ReadCommentsAsync(null);
            reasons?.Append(page.Result.Reason);
            if (page.Comments.Count >= expected || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return page;
            }

            await Task.Delay(10);
        }
    }
}
