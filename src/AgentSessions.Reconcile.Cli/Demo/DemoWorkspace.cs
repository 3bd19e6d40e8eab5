using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentSessions.Reconcile.Cli.Demo;

/// <summary>
/// The demo's throwaway world: a temp folder holding the workspace, a Claude config folder and a
/// home, and a tmux server on a private socket (<c>-L agent-sessions-demo-…</c>, no config file).
/// <see cref="DisposeAsync"/> kills that server, deletes its socket file and the temp folder.
/// </summary>
internal sealed class DemoWorkspace : IAsyncDisposable
{
    public const string Name = "demo";

    // The demo's sessions end on their own after this, should the demo be killed before it cleans up.
    private const string PaneLifetimeSeconds = "600";

    private readonly string top;
    private readonly TmuxClient tmux;
    private string? socketPath;
    private bool serverStarted;

    private DemoWorkspace(string top)
    {
        this.top = top;
        Root = Path.Combine(top, Name);
        ClaudeDirectory = Path.Combine(top, "claude");
        Home = Path.Combine(top, "home");
        Socket = $"agent-sessions-demo-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}";
        tmux = new TmuxClient(socketName: Socket);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Path.Combine(ClaudeDirectory, "projects"));
        Directory.CreateDirectory(Home);
    }

    /// <summary>Gets the workspace root (its path has no symbolic link, as the probes see it).</summary>
    public string Root { get; }

    /// <summary>Gets the Claude Code config folder (the demo's <c>CLAUDE_CONFIG_DIR</c>).</summary>
    public string ClaudeDirectory { get; }

    /// <summary>Gets the demo's <c>HOME</c> (agy looks under it).</summary>
    public string Home { get; }

    /// <summary>Gets the tmux socket name (<c>tmux -L</c>).</summary>
    public string Socket { get; }

    /// <summary>Creates the temp folder.</summary>
    public static DemoWorkspace Create() =>
        new(RealPath(Directory.CreateTempSubdirectory("agent-sessions-demo-").FullName));

    /// <summary>Makes a project folder of the workspace.</summary>
    public string Project(string project) => Directory.CreateDirectory(Path.Combine(Root, project)).FullName;

    /// <summary>Starts a detached tmux session whose pane just waits, in <paramref name="cwd"/>.</summary>
    public async Task<long> StartSessionAsync(string session, string cwd)
    {
        serverStarted = true;
        Check("new-session", await tmux.NewSessionAsync(session, cwd, ["sleep", PaneLifetimeSeconds]).ConfigureAwait(false));
        var pane = Check("display-message", await tmux.DisplayAsync(session, "#{socket_path}\t#{pane_pid}").ConfigureAwait(false));
        var fields = pane.TrimEnd('\n').Split('\t');
        socketPath = fields[0];
        return long.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    /// <summary>Ends a tmux session, as when its agent exits.</summary>
    public async Task KillSessionAsync(string session) => Check("kill-session", await tmux.KillSessionAsync(session).ConfigureAwait(false));

    /// <summary>Tells whether tmux is missing, by asking the demo's (not yet started) server to end: nothing starts.</summary>
    public async Task<bool> TmuxMissingAsync() => (await tmux.KillServerAsync().ConfigureAwait(false)).NotInstalled;

    /// <summary>Writes the first line of a Claude Code transcript for <paramref name="cwd"/>, as Claude does on the first message.</summary>
    public void WriteTranscript(string cwd, string sessionId)
    {
        // Claude's project key: the folder's path with every character that is not a letter or digit as '-'.
        var key = string.Concat(cwd.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));
        var folder = Directory.CreateDirectory(Path.Combine(ClaudeDirectory, "projects", key)).FullName;
        var line = new JsonObject
        {
            ["type"] = "user",
            ["sessionId"] = sessionId,
            ["cwd"] = cwd,
            ["message"] = new JsonObject { ["role"] = "user", ["content"] = "hello from agent-sessions demo" },
        };
        File.WriteAllText(Path.Combine(folder, sessionId + ".jsonl"), line.ToJsonString() + "\n");
    }

    /// <summary>Kills the tmux server, deletes its socket file and the temp folder; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (serverStarted)
        {
            // On a timeout its panes end on their own after PaneLifetimeSeconds.
            await tmux.KillServerAsync().ConfigureAwait(false);

            // tmux 3.3 leaves the socket file behind after kill-server.
            if (socketPath is not null)
            {
                TryDelete(() => File.Delete(socketPath));
            }
        }

        TryDelete(() => Directory.Delete(top, recursive: true));
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Cleanup is best effort: the temp folder is the system's to clear.
        }
    }

    /// <summary>The path with every symbolic link resolved (macOS's /tmp is one), as the probes compare paths.</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var current = Path.GetPathRoot(full)!;
        foreach (var part in full[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            current = new DirectoryInfo(next).LinkTarget is { } target ? RealPath(Path.GetFullPath(target, current)) : next;
        }

        return current;
    }

    private static string Check(string command, TmuxResult result) =>
        result.Succeeded ? result.Output : throw new InvalidOperationException($"tmux {command} failed: {result.Problem?.Trim()}");
}
