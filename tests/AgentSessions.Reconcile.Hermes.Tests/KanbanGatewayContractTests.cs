using AgentSessions.Reconcile.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Hermes.Tests;

/// <summary>The behaviour every gateway shares, run against the fake and the real SQLite gateway so the fake cannot drift from the board.</summary>
public abstract class KanbanGatewayContractTests
{
    protected static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    protected abstract IKanbanGateway Gateway { get; }

    protected abstract string Self { get; }

    protected abstract void AddUserComment(string author, string body, DateTimeOffset at);

    [Fact]
    public async Task ReadCommentsAsync_OwnAndUserComments_ReturnedOnceInOrderWithSelfFlag()
    {
        AddUserComment("alice", "please check", Now.AddMinutes(-1));
        (await Gateway.CommentAsync("drift found")).IsOk.Should().BeTrue();

        var first = await Gateway.ReadCommentsAsync(null);
        AddUserComment("alice", "stop", Now.AddSeconds(1));
        var second = await Gateway.ReadCommentsAsync(first.Cursor);
        var third = await Gateway.ReadCommentsAsync(second.Cursor);

        first.Comments.Select(c => (c.Author, c.Body, c.IsFromSelf)).Should().Equal(("alice", "please check", false), (Self, "drift found", true));
        second.Comments.Select(c => c.Body).Should().Equal("stop");
        third.Comments.Should().BeEmpty();
    }

    [Fact]
    public async Task BlockAsync_ThenHeartbeatAndBlock_BothRejected()
    {
        (await Gateway.HeartbeatAsync("alive")).IsOk.Should().BeTrue();
        (await Gateway.BlockAsync("stop-requested by user", KanbanBlockKind.NeedsInput)).Should().Be(KanbanResult.Success);

        (await Gateway.HeartbeatAsync("alive")).Outcome.Should().Be(KanbanOutcome.Rejected);
        (await Gateway.BlockAsync("again", KanbanBlockKind.NeedsInput)).Outcome.Should().Be(KanbanOutcome.Rejected);
        (await Gateway.CommentAsync("comments still land on a blocked card")).Should().Be(KanbanResult.Success);
    }
}

public sealed class FakeKanbanGatewayContractTests : KanbanGatewayContractTests
{
    private readonly FakeKanbanGateway _fake = new("coder", new FakeTimeProvider(Now));

    protected override IKanbanGateway Gateway => _fake;

    protected override string Self => "coder";

    protected override void AddUserComment(string author, string body, DateTimeOffset at) => _fake.AddUserComment(author, body, at);
}

public sealed class HermesSqliteKanbanGatewayContractTests : KanbanGatewayContractTests, IDisposable
{
    private readonly TestBoard _board = new();
    private readonly IKanbanGateway _gateway;

    public HermesSqliteKanbanGatewayContractTests()
    {
        _board.AddTask("t_0a1b2c3d");
        _gateway = HermesKanban.CreateSqliteGateway(
            new HermesKanbanOptions
            {
                Environment = new Dictionary<string, string?>
                {
                    ["HERMES_KANBAN_DB"] = _board.DatabasePath,
                    ["HERMES_KANBAN_TASK"] = "t_0a1b2c3d",
                    ["HERMES_KANBAN_RUN_ID"] = "7",
                    ["HERMES_KANBAN_CLAIM_LOCK"] = "host:42",
                    ["HERMES_PROFILE"] = "coder",
                },
            },
            new FakeTimeProvider(Now));
    }

    protected override IKanbanGateway Gateway => _gateway;

    protected override string Self => "coder";

    public void Dispose() => _board.Dispose();

    protected override void AddUserComment(string author, string body, DateTimeOffset at) =>
        _board.AddComment("t_0a1b2c3d", author, body, at.ToUnixTimeSeconds());
}
