using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using AgentSessions.Reconcile.Cli.Running;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>
/// <c>agent-sessions demo</c> as a newcomer runs it: the built CLI, real tmux. Its temp folder,
/// tmux socket folder and Claude folder are the test's own, so "nothing is left" can be checked.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed partial class DemoEndToEndTests : IDisposable
{
    private readonly string top = Directory.CreateTempSubdirectory("asr-demo-test-").FullName;

    public DemoEndToEndTests()
    {
        foreach (var dir in new[] { TempDir, TmuxDir, ClaudeDir, Home })
        {
            Directory.CreateDirectory(dir);
        }
    }

    private string TempDir => Path.Combine(top, "tmp");

    private string TmuxDir => Path.Combine(top, "tmux");

    private string ClaudeDir => Path.Combine(top, "claude");

    private string Home => Path.Combine(top, "home");

    private Dictionary<string, string?> Environment => new()
    {
        ["TMPDIR"] = TempDir,
        ["TMUX_TMPDIR"] = TmuxDir,
        ["CLAUDE_CONFIG_DIR"] = ClaudeDir,
        ["HOME"] = Home,
    };

    public void Dispose() => Directory.Delete(top, recursive: true);

    [Fact]
    public void Demo_WithTmux_ShowsABCRepairedAndLeavesNothing()
    {
        var result = CliProcess.Run(Environment, top, "demo");

        result.ExitCode.Should().Be(0, result.ToString());
        var output = result.Stdout;
        output.Should().MatchRegex(@"\nA demo-web-creator-claude: tmux gone \(was pane [0-9]+, cmd sleep\)\. Marked terminated\.\n", result.ToString());
        output.Should().Contain("\nB demo-api-creator-claude: tmux found but not in YAML. Auto-registered.\n");
        output.Should().MatchRegex(@"\nC demo-docs-creator-claude: session id materialized [0-9a-f-]{36}\. Recorded\.\n");
        output.Should().Contain("no new drift (3 sessions, 2 running)");
        output.Should().MatchRegex(@"demo-web-creator-claude +terminated +gone", "status after shows the repair");
        result.Stderr.Should().BeEmpty();
        AssertNothingLeft(SocketOf(output));
    }

    [Fact]
    public void Demo_TmuxMissing_Exit6WithOneSentenceAndNothingMade()
    {
        var env = Environment;
        env["PATH"] = Path.Combine(top, "home"); // an empty folder: no tmux on PATH

        var result = CliProcess.Run(env, top, "demo");

        result.ExitCode.Should().Be(ExitCodes.MissingTool, result.ToString());
        result.Stdout.Should().BeEmpty();
        result.Stderr.Should().Be(
            "agent-sessions: the demo needs tmux, which is not installed (not found on PATH); install it "
            + "(for example 'sudo apt-get install tmux' or 'brew install tmux') and run 'agent-sessions demo' again.\n");
        Directory.EnumerateFileSystemEntries(TempDir).Should().BeEmpty();
    }

    [Fact]
    public async Task Demo_InterruptedMidway_CleansUpAndExits130()
    {
        using var cts = new CancellationTokenSource();
        using var output = new CancelOnText("$ agent-sessions reconcile", cts);
        using var error = new StringWriter();
        var env = new CliEnvironment
        {
            GetVariable = System.Environment.GetEnvironmentVariable,
            CurrentDirectory = top,
            Out = output,
            Error = error,
            Services = new DefaultCliServicesFactory(),
        };

        var code = await new CliApp(env).RunAsync(["demo"], cts.Token);

        code.Should().Be(ExitCodes.Interrupted, output + error.ToString());
        var text = output.ToString();
        text.Should().NotContain("no new drift");
        var root = WorkspaceRegex().Match(text).Groups[1].Value;
        root.Should().NotBeEmpty(text);
        Directory.Exists(Path.GetDirectoryName(root)).Should().BeFalse("the demo's temp folder is deleted");
        HasServer(SocketOf(text)).Should().BeFalse("the demo's tmux server is killed");
    }

    private static string SocketOf(string output)
    {
        var socket = SocketRegex().Match(output).Groups[1].Value;
        socket.Should().NotBeEmpty(output);
        return socket;
    }

    private static bool HasServer(string socket, string? tmuxDir = null)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-L", socket, "list-sessions" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("TMUX");
        if (tmuxDir is not null)
        {
            psi.Environment["TMUX_TMPDIR"] = tmuxDir;
        }

        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit(10_000).Should().BeTrue();
        return p.ExitCode == 0;
    }

    private void AssertNothingLeft(string socket)
    {
        HasServer(socket, TmuxDir).Should().BeFalse("the demo kills its tmux server");
        Directory.EnumerateFileSystemEntries(TempDir).Should().BeEmpty("the demo deletes its temp folder");
        Directory.EnumerateFiles(TmuxDir, "*", SearchOption.AllDirectories).Should().BeEmpty("the demo deletes its socket file");
        Directory.EnumerateFileSystemEntries(ClaudeDir).Should().BeEmpty("the demo never writes to the user's Claude folder");
    }

    [GeneratedRegex(@"tmux -L (agent-sessions-demo-[0-9a-f-]+)")]
    private static partial Regex SocketRegex();

    [GeneratedRegex(@"workspace +(\S+/demo) ")]
    private static partial Regex WorkspaceRegex();

    /// <summary>Collects the output and cancels, as Ctrl-C would, once <paramref name="text"/> is written.</summary>
    private sealed class CancelOnText(string text, CancellationTokenSource cts) : StringWriter
    {
        public override void Write(string? value)
        {
            base.Write(value);
            if (value?.Contains(text, StringComparison.Ordinal) == true)
            {
                cts.Cancel();
            }
        }

        public override Encoding Encoding => Encoding.UTF8;
    }
}
