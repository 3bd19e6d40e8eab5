using System.Diagnostics;
using System.Text;
using AgentSessions.Reconcile.Cli.Tests.EndToEnd;

namespace AgentSessions.Reconcile.Cli.Tests.Hooks;

/// <summary>The built <c>agent-sessions hook</c> as Claude Code runs it: a process with the event on stdin. Bad input: exit 0, one stderr line, nothing written.</summary>
public sealed class HookProcessTests : IDisposable
{
    private readonly string top = Path.Combine(Path.GetTempPath(), "asr-hookproc-" + Guid.NewGuid().ToString("N")[..12]);

    public HookProcessTests()
    {
        Directory.CreateDirectory(Path.Combine(top, "ws", ".hermes"));
        File.WriteAllText(Path.Combine(top, "ws", ".hermes", "agent-sessions.yaml"), "version: 1\n");
        Directory.CreateDirectory(Path.Combine(top, "elsewhere"));
    }

    public void Dispose() => Directory.Delete(top, recursive: true);

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "malformed", "the hook input is not JSON" },
        { "huge", "larger than 1024 KiB" },
        { "unknown-workspace", "no workspace (.hermes/agent-sessions.yaml) at or above 'cwd'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_exits_0_says_one_line_and_writes_nothing(string kind, string says)
    {
        var input = kind switch
        {
            "malformed" => """{"session_id":"s-1","hook_event_name":"Stop","cwd":""",
            "huge" => $$$"""{"session_id":"s-1","hook_event_name":"PreToolUse","cwd":"{{{top}}}/ws","tool_input":{"content":"{{{new string('x', 2 * 1024 * 1024)}}}"}}""",
            _ => $$"""{"session_id":"s-1","hook_event_name":"Stop","cwd":"{{top}}/elsewhere"}""",
        };

        var (code, stderr) = Hook(input);

        code.Should().Be(0);
        stderr.Should().Contain(says);
        stderr.TrimEnd('\n').Should().NotContain("\n", "one line");
        Directory.EnumerateFiles(top, "*.json", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public void A_good_event_is_recorded_silently()
    {
        var (code, stderr) = Hook($$"""{"session_id":"s-1","transcript_path":"/t/s-1.jsonl","cwd":"{{top}}/ws","permission_mode":"default","hook_event_name":"Stop","stop_hook_active":false}""");

        code.Should().Be(0);
        stderr.Should().BeEmpty();
        File.Exists(Path.Combine(top, "ws", ".cache", "tmux-agent-orchestrate-monitor", "hooks", "s-1.json")).Should().BeTrue();
    }

    private static (int Code, string Stderr) Hook(string input)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(CliProcess.DllPath);
        psi.ArgumentList.Add("hook");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        p.StandardInput.BaseStream.Write(Encoding.UTF8.GetBytes(input));
        p.StandardInput.Close();
        if (!p.WaitForExit(60_000))
        {
            p.Kill();
            throw new TimeoutException("agent-sessions hook did not exit");
        }

        stdout.Result.Should().BeEmpty("a hook prints nothing on stdout (Claude Code would read it)");
        return (p.ExitCode, stderr.Result);
    }
}
