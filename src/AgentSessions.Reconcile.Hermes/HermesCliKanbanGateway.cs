using System.Globalization;
using System.Text.Json;
using AgentSessions.Reconcile.Processes;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>
/// Talks to the board through <c>hermes kanban …</c>: <c>comment</c>, <c>heartbeat</c>, <c>block</c> and
/// <c>show --json</c>. Unlike the worker tools, the CLI's heartbeat does not extend the claim and its block
/// does not enforce the goal-mode rule (this gateway enforces it from <c>HERMES_KANBAN_GOAL_MODE</c>) and
/// adds a <c>BLOCKED: reason</c> comment first. Each call runs <c>hermes</c> through the core's process runner:
/// an argument list (never a shell string), stdin closed, the process tree killed at the timeout, the
/// executable looked up on the PATH the child will see (the process environment, <paramref name="environment"/> on top).
/// </summary>
/// <remarks>
/// <c>show --json</c> has no comment ids, so the cursor is <c>v1:&lt;created_at&gt;:&lt;n&gt;</c>: the unix second of the
/// last comment read and how many comments of that second were read. Hermes lists comments by
/// <c>created_at</c> and, within a second, in insertion order, so later comments are exactly those after that point.
/// </remarks>
internal sealed class HermesCliKanbanGateway(
    string executable, IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout, TimeProvider timeProvider, HermesWorkerIdentity identity)
    : IKanbanGateway
{
    private readonly ProcessRunner _runner = new(timeProvider);

    public Task<KanbanResult> CommentAsync(string body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (PythonJson.IsBlank(body))
        {
            return Task.FromResult(KanbanResult.Rejected("comment body is required"));
        }

        // Options first, then '--': argparse then reads everything after it as text, even a body that starts with '-'.
        return RunAsync([.. Prefix(), "comment", "--author=" + identity.Profile, identity.TaskId, "--", body], cancellationToken);
    }

    public Task<KanbanResult> HeartbeatAsync(string? note, CancellationToken cancellationToken = default)
    {
        List<string> arguments = [.. Prefix(), "heartbeat"];
        if (!string.IsNullOrEmpty(note))
        {
            arguments.Add("--note=" + note);
        }

        arguments.Add(identity.TaskId);
        return RunAsync(arguments, cancellationToken);
    }

    public Task<KanbanResult> BlockAsync(string reason, KanbanBlockKind? kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (PythonJson.IsBlank(reason))
        {
            return Task.FromResult(KanbanResult.Rejected("reason is required"));
        }

        var kindText = HermesSqliteKanbanGateway.KindText(kind);
        if (identity.GoalMode && kind is not (KanbanBlockKind.Dependency or KanbanBlockKind.NeedsInput))
        {
            return Task.FromResult(KanbanResult.Rejected(
                $"goal_mode tasks can only block with kind in ['dependency', 'needs_input'] (got {(kindText is null ? "None" : "'" + kindText + "'")})"));
        }

        List<string> arguments = [.. Prefix(), "block"];
        if (kindText is not null)
        {
            arguments.Add("--kind=" + kindText);
        }

        // The reason is nargs='*': argparse takes it with the task id, so options must come first and '--' before the text.
        arguments.Add(identity.TaskId);
        arguments.Add("--");
        arguments.Add(reason);
        return RunAsync(arguments, cancellationToken);
    }

    public async Task<KanbanCommentPage> ReadCommentsAsync(KanbanCursor? cursor, CancellationToken cancellationToken = default)
    {
        long afterSecond = long.MinValue;
        var seenAtSecond = 0;
        if (cursor is not null && !TryParseCursor(cursor.Value, out afterSecond, out seenAtSecond))
        {
            return new KanbanCommentPage(KanbanResult.Rejected($"invalid cursor '{cursor.Value}' (expected v1:<created_at>:<count>)"), [], cursor);
        }

        var outcome = await RunHermesAsync([.. Prefix(), "show", "--json", identity.TaskId], cancellationToken).ConfigureAwait(false);
        var result = Map(outcome);
        if (!result.IsOk)
        {
            return new KanbanCommentPage(result, [], cursor);
        }

        List<(string Author, string Body, long CreatedAt)> all;
        try
        {
            all = ParseComments(outcome.StandardOutput);
        }
        catch (JsonException ex)
        {
            return new KanbanCommentPage(KanbanResult.Failed($"hermes kanban show --json printed unexpected output: {ex.Message}"), [], cursor);
        }

        var fresh = new List<KanbanComment>();
        var lastSecond = afterSecond;
        var countAtLast = seenAtSecond;
        var skipAtSecond = seenAtSecond;
        foreach (var (author, body, createdAt) in all)
        {
            if (createdAt < afterSecond)
            {
                continue;
            }

            if (createdAt == afterSecond && skipAtSecond > 0)
            {
                skipAtSecond--;
                continue;
            }

            fresh.Add(new KanbanComment(
                author,
                body,
                DateTimeOffset.FromUnixTimeSeconds(createdAt),
                string.Equals(author, PythonJson.Strip(identity.Profile), StringComparison.Ordinal)));
            countAtLast = createdAt == lastSecond ? countAtLast + 1 : 1;
            lastSecond = createdAt;
        }

        var next = lastSecond == long.MinValue
            ? cursor
            : new KanbanCursor(string.Create(CultureInfo.InvariantCulture, $"v1:{lastSecond}:{countAtLast}"));
        return new KanbanCommentPage(KanbanResult.Success, fresh, next);
    }

    /// <summary>Maps an exit to a result: 0 ok; 1 rejected when the board refused (unknown task, wrong state), else failed; 2 (usage) rejected.</summary>
    private KanbanResult Map(ProcessResult outcome)
    {
        switch (outcome.Outcome)
        {
            case ProcessOutcome.TimedOut:
                return KanbanResult.Failed("hermes did not finish before the timeout and was killed");
            case not ProcessOutcome.Exited:
                return KanbanResult.Failed(outcome.FailureReason ?? $"could not start '{executable}'");
        }

        var message = outcome.StandardError.Trim();
        if (message.Length == 0)
        {
            message = outcome.StandardOutput.Trim();
        }

        return outcome.ExitCode switch
        {
            0 => KanbanResult.Success,
            1 when IsRefusal(message) => KanbanResult.Rejected(message),
            1 => KanbanResult.Failed(message.Length == 0 ? "hermes exited with 1" : message),
            2 => KanbanResult.Rejected("hermes rejected the arguments: " + message),
            _ => KanbanResult.Failed(string.Create(CultureInfo.InvariantCulture, $"hermes exited with {outcome.ExitCode}: {message}")),
        };
    }

    private static bool IsRefusal(string message)
    {
        if (message.Contains("database is locked", StringComparison.OrdinalIgnoreCase)
            || message.Contains("could not initialize", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string[] refusals =
        [
            "unknown task", "no such task", "cannot block", "cannot heartbeat", "not running",
            "does not exist", "is required", "invalid board slug", "must be one of",
        ];
        return refusals.Any(r => message.Contains(r, StringComparison.OrdinalIgnoreCase));
    }

    private static bool TryParseCursor(string value, out long second, out int count)
    {
        second = 0;
        count = 0;
        var parts = value.Split(':');
        return parts.Length == 3
            && parts[0] == "v1"
            && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out second)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out count);
    }

    private static List<(string Author, string Body, long CreatedAt)> ParseComments(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("comments", out var comments) || comments.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("no 'comments' array");
        }

        return [.. comments.EnumerateArray().Select(comment => (
            comment.GetProperty("author").GetString() ?? string.Empty,
            comment.GetProperty("body").GetString() ?? string.Empty,
            comment.GetProperty("created_at").GetInt64()))];
    }

    private string[] Prefix() => identity.Board is { } board ? ["kanban", "--board", board] : ["kanban"];

    private async Task<KanbanResult> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken) =>
        Map(await RunHermesAsync(arguments, cancellationToken).ConfigureAwait(false));

    private Task<ProcessResult> RunHermesAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        // Hermes prints UTF-8; make Python agree whatever the locale.
        var childEnvironment = new Dictionary<string, string?>(environment ?? new Dictionary<string, string?>(), StringComparer.Ordinal)
        {
            ["PYTHONIOENCODING"] = "utf-8",
        };
        return _runner.RunAsync(new ProcessRequest(executable, arguments, timeout) { Environment = childEnvironment }, cancellationToken);
    }
}
