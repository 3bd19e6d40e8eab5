using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Kanban;

public sealed class FakeKanbanGatewayTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    [Fact]
    public async Task Calls_TakeEffect_AreRecordedWithTime()
    {
        var fake = new FakeKanbanGateway("monitor", _time);

        await fake.CommentAsync("drift");
        await fake.HeartbeatAsync("alive");
        await fake.BlockAsync("stop", KanbanBlockKind.NeedsInput);

        fake.Comments.Should().Equal(new FakeKanbanCommentCall("drift", _time.GetUtcNow()));
        fake.Heartbeats.Should().Equal(new FakeKanbanHeartbeatCall("alive", _time.GetUtcNow()));
        fake.Blocks.Should().Equal(new FakeKanbanBlockCall("stop", KanbanBlockKind.NeedsInput, _time.GetUtcNow()));
        fake.IsBlocked.Should().BeTrue();
    }

    [Fact]
    public async Task AfterBlock_HeartbeatAndBlockRejectedUntilUnblock()
    {
        var fake = new FakeKanbanGateway();
        await fake.BlockAsync("stop", null);

        (await fake.HeartbeatAsync(null)).Outcome.Should().Be(KanbanOutcome.Rejected);
        (await fake.BlockAsync("again", null)).Outcome.Should().Be(KanbanOutcome.Rejected);
        fake.Unblock();
        (await fake.HeartbeatAsync(null)).Should().Be(KanbanResult.Success);
        fake.Blocks.Should().ContainSingle();
    }

    [Fact]
    public async Task FailNext_Times_ReturnsScriptedResultThenRecovers()
    {
        var fake = new FakeKanbanGateway();
        fake.FailNext(KanbanOperation.Comment, KanbanResult.Failed("database is locked"), times: 2);

        (await fake.CommentAsync("a")).Should().Be(KanbanResult.Failed("database is locked"));
        (await fake.CommentAsync("b")).Should().Be(KanbanResult.Failed("database is locked"));
        (await fake.CommentAsync("c")).Should().Be(KanbanResult.Success);
        fake.Comments.Select(c => c.Body).Should().Equal("c");
    }

    [Fact]
    public async Task ReadCommentsAsync_UserAndOwnComments_ReturnsAfterCursorWithSelfFlag()
    {
        var fake = new FakeKanbanGateway("monitor", _time);
        fake.AddUserComment("alice", "please check", _time.GetUtcNow().AddMinutes(-1));
        await fake.CommentAsync("stopped session x");

        var first = await fake.ReadCommentsAsync(null);
        fake.AddUserComment("alice", "stop");
        var second = await fake.ReadCommentsAsync(first.Cursor);

        first.Comments.Select(c => (c.Author, c.IsFromSelf)).Should().Equal(("alice", false), ("monitor", true));
        second.Comments.Should().ContainSingle().Which.Body.Should().Be("stop");
    }

    [Fact]
    public async Task ReadCommentsAsync_FailNext_KeepsCursor()
    {
        var fake = new FakeKanbanGateway();
        fake.FailNext(KanbanOperation.ReadComments, KanbanResult.Failed("io"));
        var cursor = new KanbanCursor("0");

        var page = await fake.ReadCommentsAsync(cursor);

        page.Result.Outcome.Should().Be(KanbanOutcome.Failed);
        page.Cursor.Should().Be(cursor);
    }

    [Fact]
    public void FailNext_SuccessResult_Throws()
    {
        var act = () => new FakeKanbanGateway().FailNext(KanbanOperation.Heartbeat, KanbanResult.Success);

        act.Should().Throw<ArgumentException>();
    }
}
