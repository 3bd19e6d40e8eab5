using System.Diagnostics;
using System.Text;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>
/// A temp workspace with its own tmux server (private <c>-L asr-&lt;guid&gt;</c> socket), and fake
/// Claude and agy homes. Dispose kills the tmux server and deletes everything.
/// </summary>
internal sealed class TempWorkspace : IDisposable
{
    private readonly string top;

    public TempWorkspace()
    {
        var id = Guid.NewGuid().ToString("N");
        top = Path.Combine(Path.GetTempPath(), "asr-e2e-" + id[..12]);
        Name = "ws" + id[..6];
        Root = Path.Combine(top, Name);
        Home = Path.Combine(top, "home");
        ClaudeDir = Path.Combine(Home, "claude-config");
        Socket = "asr-" + id;
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Path.Combine(ClaudeDir, "projects"));
        Directory.CreateDirectory(Path.Combine(Home, ".gemini", "antigravity-cli", "conversations"));
    }

    public string Name { get; }

    public string Root { get; }

    public string Home { get; }

    public string ClaudeDir { get; }

    public string Socket { get; }

    public string RegistryPath => Path.Combine(Root, ".hermes", "agent-sessions.yaml");

    public Dictionary<string, string?> Environment => new()
    {
        ["HOME"] = Home,
        ["CLAUDE_CONFIG_DIR"] = ClaudeDir,
    };

    public string Project(string name)
    {
        var dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void WriteRegistry(string yaml)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(RegistryPath)!);
        File.WriteAllText(RegistryPath, yaml.ReplaceLineEndings("\n"), new UTF8Encoding(false));
    }

    public string ReadRegistry() => File.ReadAllText(RegistryPath);

    public void StartTmux(string session, string cwd) =>
        Tmux("new-session", "-d", "-s", session, "-c", cwd, "sleep", "86400");

    /// <summary>Starts a session running <paramref name="command"/> with <paramref name="environment"/> set in it (tmux <c>-e</c>).</summary>
    public void StartTmux(string session, string cwd, IEnumerable<string> environment, params string[] command) =>
        Tmux([.. new[] { "new-session", "-d", "-s", session, "-c", cwd }, .. environment.SelectMany(e => new[] { "-e", e }), .. command]);

    public void KillTmux(string session) => Tmux("kill-session", "-t", "=" + session);

    public bool HasTmux(string session)
    {
        try
        {
            Tmux("has-session", "-t", "=" + session);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Writes a Claude Code transcript for <paramref name="cwd"/> as Claude does (project key: every non-alphanumeric → '-').</summary>
    public string WriteTranscript(string cwd, string sessionId)
    {
        var key = new StringBuilder(cwd.Length);
        foreach (var c in cwd)
        {
            key.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var dir = Path.Combine(ClaudeDir, "projects", key.ToString());
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, sessionId + ".jsonl");
        File.WriteAllText(
            path,
            $"{{\"type\":\"user\",\"sessionId\":\"{sessionId}\",\"cwd\":\"{cwd}\",\"message\":{{\"role\":\"user\",\"content\":\"hi\"}}}}\n");
        return path;
    }

    public CliResult Run(params string[] args) => CliProcess.Run(Environment, Root, args);

    public CliProcess Start(params string[] args) => CliProcess.Start(Environment, Root, args);

    public void Dispose()
    {
        try
        {
            Tmux("kill-server");
        }
        catch (InvalidOperationException)
        {
            // No server left: nothing to kill.
        }

        // tmux 3.3a leaves its socket file behind after kill-server; -L names live in
        // $TMUX_TMPDIR (default /tmp)/tmux-<uid>/.
        var tmuxDir = System.Environment.GetEnvironmentVariable("TMUX_TMPDIR") is { Length: > 0 } t ? t : "/tmp";
        File.Delete(Path.Combine(tmuxDir, $"tmux-{GetUid()}", Socket));

        try
        {
            Directory.Delete(top, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Tmux(params string[] args)
    {
        var psi = new ProcessStartInfo("tmux") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(Socket);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("TMUX");
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(10_000))
        {
            p.Kill();
            throw new InvalidOperationException("tmux timed out: " + string.Join(' ', args));
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {err}");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getuid")]
    private static extern uint GetUid();
}
