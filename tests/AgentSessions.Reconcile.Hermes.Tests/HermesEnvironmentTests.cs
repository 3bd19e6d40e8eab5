namespace AgentSessions.Reconcile.Hermes.Tests;

public sealed class HermesEnvironmentTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hermes-env-" + Guid.NewGuid().ToString("N"));

    public HermesEnvironmentTests() => Directory.CreateDirectory(Path.Combine(_root, "home"));

    private string Home => Path.Combine(_root, "home");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Rows: environment (paths relative to the temp root, "~" is the home), boards that exist, current file, option board → expected DB path.</summary>
    public static TheoryData<string, string, string, string?, string?, string> Cases => new()
    {
        // env, existing boards ("root:slug,..."), current file (root-relative "content"), option board, (unused), expected
        { "", "", "", null, null, "home/.hermes/kanban.db" },
        { "HERMES_KANBAN_DB=pinned/board.db;HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=proj", "kh:proj", "", "proj", null, "pinned/board.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_HOME=opt", "", "", null, null, "kh/kanban.db" },
        { "HERMES_HOME=opt/data", "", "", null, null, "opt/data/kanban.db" },
        { "HERMES_HOME=opt/data/profiles/coder", "", "", null, null, "opt/data/kanban.db" },
        { "HERMES_HOME=home/.hermes/profiles/coder", "", "", null, null, "home/.hermes/kanban.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=proj", "kh:proj", "", null, null, "kh/kanban/boards/proj/kanban.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=Proj ", "kh:proj", "", null, null, "kh/kanban/boards/proj/kanban.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=ghost", "", "", null, null, "kh/kanban.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=../evil", "", "", null, null, "kh/kanban.db" },
        { "HERMES_KANBAN_HOME=kh", "kh:side", "kh:side\n", null, null, "kh/kanban/boards/side/kanban.db" },
        { "HERMES_KANBAN_HOME=kh", "", "kh:side\n", null, null, "kh/kanban.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=proj", "kh:proj,kh:side", "kh:side", null, null, "kh/kanban/boards/proj/kanban.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=proj", "kh:proj", "", "other", null, "kh/kanban/boards/other/kanban.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=proj", "kh:proj", "", "default", null, "kh/kanban.db" },
        { "HERMES_KANBAN_HOME=kh;HERMES_KANBAN_BOARD=default", "", "kh:side", null, null, "kh/kanban.db" },
        { "HERMES_KANBAN_HOME=~/kh", "", "", null, null, "home/kh/kanban.db" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResolveDatabasePath_EnvironmentCombination_MatchesHermes(string env, string boards, string current, string? optionBoard, string? unused, string expected)
    {
        _ = unused;
        var variables = new Dictionary<string, string?> { ["HOME"] = Home };
        foreach (var pair in env.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            variables[key] = value.StartsWith('~') ? value : Path.Combine(_root, value.Trim()) is var p && key is "HERMES_KANBAN_BOARD" ? value : p;
        }

        foreach (var board in boards.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (root, slug) = (board[..board.IndexOf(':')], board[(board.IndexOf(':') + 1)..]);
            var dir = Path.Combine(_root, root, "kanban", "boards", slug);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "board.json"), "{}");
        }

        if (current.Length > 0)
        {
            var (root, content) = (current[..current.IndexOf(':')], current[(current.IndexOf(':') + 1)..]);
            Directory.CreateDirectory(Path.Combine(_root, root, "kanban"));
            File.WriteAllText(Path.Combine(_root, root, "kanban", "current"), content);
        }

        var path = HermesKanban.ResolveDatabasePath(new HermesKanbanOptions { Environment = variables, Board = optionBoard, HomeDirectory = Home });

        path.Should().Be(Path.Combine(_root, expected));
    }

    [Fact]
    public void ResolveDatabasePath_InvalidOptionBoard_Throws()
    {
        var act = () => HermesKanban.ResolveDatabasePath(new HermesKanbanOptions { Environment = new Dictionary<string, string?>(), Board = "../x", HomeDirectory = Home });

        act.Should().Throw<ArgumentException>().WithMessage("*invalid board slug*");
    }

    [Fact]
    public void Identity_DispatcherEnvironment_ReadsTaskRunLockProfileGoalAndTtl()
    {
        var env = new Dictionary<string, string?>
        {
            ["HERMES_KANBAN_TASK"] = "t_12345678",
            ["HERMES_KANBAN_RUN_ID"] = "31",
            ["HERMES_KANBAN_CLAIM_LOCK"] = "box:777",
            ["HERMES_PROFILE"] = "monitor",
            ["HERMES_KANBAN_GOAL_MODE"] = "1",
            ["HERMES_KANBAN_CLAIM_TTL_SECONDS"] = "1200",
        };

        HermesEnvironment.Identity(env, null, "proj").Should().Be(
            new HermesWorkerIdentity("t_12345678", 31, "box:777", "monitor", GoalMode: true, ClaimTtlSeconds: 1200, Board: "proj"));
    }

    [Fact]
    public void Identity_TaskOverriddenToAnotherTask_DropsRunId()
    {
        var env = new Dictionary<string, string?> { ["HERMES_KANBAN_TASK"] = "t_12345678", ["HERMES_KANBAN_RUN_ID"] = "31" };

        var identity = HermesEnvironment.Identity(env, "t_87654321", null);

        identity.TaskId.Should().Be("t_87654321");
        identity.RunId.Should().BeNull("Hermes pins the run only for the worker's own task");
    }

    [Theory]
    [InlineData(null, null, "worker", 900)]
    [InlineData("", "0", "worker", 900)]
    [InlineData("coder", "-5", "coder", 900)]
    [InlineData("coder", "abc", "coder", 900)]
    [InlineData("coder", "60", "coder", 60)]
    public void Identity_ProfileAndTtl_FallBackLikeHermes(string? profile, string? ttl, string expectedProfile, int expectedTtl)
    {
        var env = new Dictionary<string, string?>
        {
            ["HERMES_KANBAN_TASK"] = "t_12345678",
            ["HERMES_PROFILE"] = profile,
            ["HERMES_KANBAN_CLAIM_TTL_SECONDS"] = ttl,
            ["HERMES_KANBAN_RUN_ID"] = "not-a-number",
        };

        var identity = HermesEnvironment.Identity(env, null, null);

        identity.Profile.Should().Be(expectedProfile);
        identity.ClaimTtlSeconds.Should().Be(expectedTtl);
        identity.RunId.Should().BeNull();
        identity.GoalMode.Should().BeFalse();
    }
}
