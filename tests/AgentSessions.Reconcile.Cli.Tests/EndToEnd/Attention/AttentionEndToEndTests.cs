using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd.Attention;

/// <summary>
/// Issue #18 end to end, without a real Claude: stand-in <c>claude</c> scripts in real tmux panes
/// (private <c>-L</c> server) write a transcript and a per-process file and call the built
/// <c>agent-sessions hook</c> with the documented JSON, event by event; the built tool's
/// <c>status --json</c> and <c>reconcile --once --emit-diff</c> are read after each. Hook input
/// follows Claude Code's hooks reference (https://code.claude.com/docs/en/hooks: session_id,
/// transcript_path, cwd, permission_mode, hook_event_name; Notification's notification_type and
/// message; PreToolUse's tool_name; SessionStart's source). The per-process file follows agent-deck
/// internal/session/claude_title_reconcile.go (sessionId, updatedAt in ms); the 429 record follows
/// agent-deck internal/session/usagelimit.go.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AttentionEndToEndTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempWorkspace ws = new();
    private readonly string api;
    private readonly string rowA;
    private readonly string rowB;
    private readonly Dictionary<string, int> stepOf = [];

    public AttentionEndToEndTests()
    {
        api = ws.Project("api");
        rowA = ws.Name + "-api-creator-claude";
        rowB = ws.Name + "-api2-creator-claude";
        ws.WriteRegistry($"""
            version: 1
            workspace: {ws.Name}
            sessions:
              - name: {rowA}
                agent: claude
                cwd: {api}
                status: running
                created_at: 2026-01-01T00:00:00Z
                updated_at: 2026-01-01T00:00:00Z
              - name: {rowB}
                agent: claude
                cwd: {api}
                status: running
                created_at: 2026-01-01T00:00:00Z
                updated_at: 2026-01-01T00:00:00Z

            """);
    }

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task Stand_in_claudes_go_through_every_state_and_keep_their_own_ids()
    {
        StartStandIn(rowA);
        StartStandIn(rowB);

        // Two stand-ins in one folder: A's transcript first, B's newer. "The newest transcript in
        // the folder" would give B's id to A; each process's own file says otherwise.
        await StepAsync(rowA, ProcessFile("id-a") + Append("id-a", UserRecord()));
        await StepAsync(rowB, ProcessFile("id-b") + Append("id-b", UserRecord()));
        var first = Reconcile();
        ws.ReadRegistry().Should().Contain($"claude_session_id_own: id-a").And.Contain("claude_session_id_own: id-b");
        Own(rowA).Should().Be("id-a", first);
        Own(rowB).Should().Be("id-b", first);
        var a = Attention(rowA);
        a.GetProperty("state").GetString().Should().Be("working");
        a.GetProperty("source").GetString().Should().Be("transcript");
        a.GetProperty("session_id").GetString().Should().Be("id-a");

        // Permission wait -> F, once.
        await StepAsync(rowA, Hook("id-a", """ "hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf build"} """)
            + Hook("id-a", """ "hook_event_name":"Notification","notification_type":"permission_prompt","message":"Claude needs your permission to use Bash" """));
        a = Attention(rowA);
        (a.GetProperty("state").GetString(), a.GetProperty("reason").GetString(), a.GetProperty("source").GetString()).Should().Be(("waiting", "permission", "hook"));
        var f = ReconcileUntilF(rowA, "waits for permission");
        f.Should().StartWith($"{rowA} waits for permission to run Bash since ").And.EndWith("(hook Notification (Bash)).");
        FDrifts(Reconcile()).Should().BeEmpty("the episode was reported once");

        // Answer -> working; Stop -> idle; nothing reported, no registry write.
        var registry = ws.ReadRegistry();
        await StepAsync(rowA, Hook("id-a", """ "hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{},"tool_response":{} """));
        State(rowA).Should().Be(("working", "hook"));
        await StepAsync(rowA, Hook("id-a", """ "hook_event_name":"Stop","stop_hook_active":false """));
        State(rowA).Should().Be(("idle", "hook"));
        FDrifts(Reconcile()).Should().BeEmpty();
        ws.ReadRegistry().Should().Be(registry, "a working <-> idle toggle writes nothing");

        // A 429 rate_limit record after the Stop -> limited (transcript) -> F.
        await StepAsync(rowA, Append("id-a", RateLimitRecord()));
        State(rowA).Should().Be(("limited", "transcript"));
        ReconcileUntilF(rowA, "is stopped by a usage limit").Should().Contain("resets 8:50pm (UTC)");

        // Working, then silence past a 1 s threshold -> wedged -> F.
        await StepAsync(rowA, Hook("id-a", """ "hook_event_name":"UserPromptSubmit","prompt":"go on" """));
        ReconcileUntilF(rowA, "is wedged", "--wedged-after", "1").Should().Contain("no hook event or transcript growth since");

        // /clear -> a new id from the hook and the process file; the row's own id moves, the old one is kept.
        await StepAsync(rowA, ProcessFile("id-a2") + Hook("id-a2", """ "hook_event_name":"SessionStart","source":"clear" """));
        var cleared = Reconcile();
        Own(rowA).Should().Be("id-a2", cleared);
        ws.ReadRegistry().Should().Contain("cleared_session_ids: id-a");
        Own(rowB).Should().Be("id-b");
        Attention(rowA).GetProperty("session_id").GetString().Should().Be("id-a2");
    }

    private void StartStandIn(string row)
    {
        var bin = Path.Combine(ws.Home, "bin-" + row);
        var steps = Path.Combine(ws.Home, "steps-" + row);
        Directory.CreateDirectory(bin);
        Directory.CreateDirectory(steps);
        var claude = Path.Combine(bin, "claude");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "EndToEnd", "Attention", "claude-stand-in.sh"), claude);
        File.SetUnixFileMode(claude, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        stepOf[row] = 0;

        // Executed directly (not "bash claude"), so its process name is "claude", as the agent's is.
        ws.StartTmux(row, api, [], claude, steps);
    }

    /// <summary>Writes the stand-in's next step and waits until it has run it (polling, not spinning: a spin took a core from the stand-in on a loaded machine).</summary>
    private async Task StepAsync(string row, string snippet)
    {
        var steps = Path.Combine(ws.Home, "steps-" + row);
        var n = ++stepOf[row];
        File.WriteAllText(Path.Combine(steps, $".step-{n}"), snippet);
        File.Move(Path.Combine(steps, $".step-{n}"), Path.Combine(steps, $"step-{n}"));
        var clock = Stopwatch.StartNew();
        while (!File.Exists(Path.Combine(steps, $"done-{n}")))
        {
            clock.Elapsed.Should().BeLessThan(Bound, $"the stand-in in {row} did not run step {n}: {snippet}");
            await Task.Delay(20);
        }
    }

    private string ProcessFile(string sessionId)
    {
        var dir = Path.Combine(ws.ClaudeDir, "sessions");
        Directory.CreateDirectory(dir);
        return $"printf '{{\"sessionId\":\"{sessionId}\",\"name\":\"x\",\"nameSource\":\"derived\",\"updatedAt\":%s000}}' \"$(date +%s)\" > '{dir}'/$$.json\n";
    }

    private string TranscriptPath(string sessionId)
    {
        var key = new StringBuilder();
        foreach (var c in api)
        {
            key.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var dir = Path.Combine(ws.ClaudeDir, "projects", key.ToString());
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, sessionId + ".jsonl");
    }

    private string Append(string sessionId, string record)
    {
        var line = Path.Combine(ws.Home, $"line-{Guid.NewGuid():N}.json");
        File.WriteAllText(line, record + "\n");
        return $"cat '{line}' >> '{TranscriptPath(sessionId)}'\n";
    }

    private string Hook(string sessionId, string fields)
    {
        var json = $$"""{"session_id":"{{sessionId}}","transcript_path":"{{TranscriptPath(sessionId)}}","cwd":"{{api}}","permission_mode":"default",{{fields.Trim()}}}""";
        var file = Path.Combine(ws.Home, $"event-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return $"'{dotnet}' '{CliProcess.DllPath}' hook < '{file}' 2>> '{ws.Home}/hook.err'\n";
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string UserRecord() =>
        $$$"""{"type":"user","uuid":"{{{Guid.NewGuid()}}}","timestamp":"{{{Now()}}}","message":{"role":"user","content":"build it"}}""";

    private static string RateLimitRecord() =>
        $$$"""{"type":"assistant","uuid":"{{{Guid.NewGuid()}}}","timestamp":"{{{Now()}}}","isApiErrorMessage":true,"apiErrorStatus":429,"error":"rate_limit","message":{"role":"assistant","content":[{"type":"text","text":"You've hit your limit · resets 8:50pm (UTC)"}]}}""";

    private string Reconcile(params string[] more)
    {
        var result = ws.Run(["reconcile", "--once", "--emit-diff", "--attention-after", "1", "--tmux-socket", ws.Socket, .. more]);
        result.ExitCode.Should().Be(0, result.ToString());
        return result.Stdout;
    }

    private static List<string> FDrifts(string report)
    {
        using var doc = JsonDocument.Parse(report);
        return [.. doc.RootElement.GetProperty("drifts").EnumerateArray().Where(d => d.GetProperty("class").GetString() == "F").Select(d => d.GetProperty("message").GetString()!)];
    }

    /// <summary>Reconciles until an F drift for the row says <paramref name="says"/> (time must pass for waiting and wedged); its message.</summary>
    private string ReconcileUntilF(string row, string says, params string[] more)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var found = FDrifts(Reconcile(more)).FirstOrDefault(m => m.StartsWith(row + " ", StringComparison.Ordinal) && m.Contains(says, StringComparison.Ordinal));
            if (found is not null)
            {
                return found;
            }

            clock.Elapsed.Should().BeLessThan(Bound, $"no F '{says}' for {row}; hook stderr: {ReadOr(Path.Combine(ws.Home, "hook.err"))}");
        }
    }

    private JsonElement Attention(string row)
    {
        var result = ws.Run("status", "--json", "--tmux-socket", ws.Socket);
        result.ExitCode.Should().Be(0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("name").GetString() == row).GetProperty("attention").Clone();
    }

    private (string?, string?) State(string row)
    {
        var a = Attention(row);
        return (a.GetProperty("state").GetString(), a.GetProperty("source").GetString());
    }

    private string? Own(string row)
    {
        var result = ws.Run("status", "--json", "--tmux-socket", ws.Socket);
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.GetProperty("sessions").EnumerateArray().Single(s => s.GetProperty("name").GetString() == row).GetProperty("claude_session_id_own").GetString();
    }

    private static string ReadOr(string path) => File.Exists(path) ? File.ReadAllText(path) : "(none)";
}
