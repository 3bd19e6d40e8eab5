using AgentSessions.Reconcile.Cli.Running;

namespace AgentSessions.Reconcile.Cli.Demo;

/// <summary>
/// <c>agent-sessions demo</c>: drift A, B and C made for real in a throwaway workspace (temp
/// folder, tmux on a private socket, a fake Claude transcript), then found and repaired by the
/// tool's own <c>status</c> and <c>reconcile</c>, and everything removed again, on success,
/// failure or Ctrl-C alike. Uses only the core's public API.
/// </summary>
internal sealed class DemoRunner(CliEnvironment env, StopSignal stop)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var ws = DemoWorkspace.Create();
        if (await ws.TmuxMissingAsync().ConfigureAwait(false))
        {
            env.Error.WriteLine(
                "agent-sessions: the demo needs tmux, which is not installed (not found on PATH); install it "
                + "(for example 'sudo apt-get install tmux' or 'brew install tmux') and run 'agent-sessions demo' again.");
            await ws.DisposeAsync().ConfigureAwait(false);
            return ExitCodes.MissingTool;
        }

        try
        {
            return await ShowAsync(ws, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            env.Error.WriteLine($"agent-sessions: the demo could not use tmux: {e.Message}");
            return ExitCodes.MissingTool;
        }
        finally
        {
            await ws.DisposeAsync().ConfigureAwait(false);
            Say($"\nCleaned up: the tmux server '{ws.Socket}' is gone and {Path.GetDirectoryName(ws.Root)} is deleted.");
        }
    }

    private async Task<int> ShowAsync(DemoWorkspace ws, CancellationToken cancellationToken)
    {
        string web = $"{DemoWorkspace.Name}-web-creator-claude", api = $"{DemoWorkspace.Name}-api-creator-claude", docs = $"{DemoWorkspace.Name}-docs-creator-claude";
        Say($"""
            agent-sessions demo: drift made for real, then found and repaired, in a throwaway workspace.
              workspace  {ws.Root}  (registry: .hermes/agent-sessions.yaml)
              tmux       a private server, tmux -L {ws.Socket}
              Claude     CLAUDE_CONFIG_DIR={ws.ClaudeDirectory}  (your own ~/.claude is not read)
            The commands below run with --workspace and --tmux-socket set to these.

            1. Three agents start in tmux; {web} and {docs} are registered as running,
               {api} is not.
            """);
        var webPid = await ws.StartSessionAsync(web, ws.Project("web")).ConfigureAwait(false);
        await ws.StartSessionAsync(api, ws.Project("api")).ConfigureAwait(false);
        var docsCwd = ws.Project("docs");
        var docsPid = await ws.StartSessionAsync(docs, docsCwd).ConfigureAwait(false);
        await RegisterAsync(ws, (web, "web", webPid), (docs, "docs", docsPid), cancellationToken).ConfigureAwait(false);

        Say($"""
            2. Then, as in real work:
               A  {web}: its tmux session ends, the registry still says running;
               B  {api}: still running, still not registered;
               C  {docs}: Claude writes its first transcript; the registry has claude_session_id_own: null.
            """);
        await ws.KillSessionAsync(web).ConfigureAwait(false);
        ws.WriteTranscript(docsCwd, Guid.NewGuid().ToString());

        var steps = new (string Title, string[] Args)[]
        {
            ("status before", ["status"]),
            ("reconcile: finds A, B and C and repairs them", ["reconcile", "--once"]),
            ("status after", ["status"]),
            ("reconcile again: each drift is reported once", ["reconcile", "--once"]),
        };
        var number = 3;
        foreach (var (title, args) in steps)
        {
            Say($"\n{number++}. {title}\n$ agent-sessions {string.Join(' ', args)}");
            var code = await new CliApp(For(ws), stop).RunAsync([.. args, "--workspace", ws.Root, "--tmux-socket", ws.Socket], cancellationToken).ConfigureAwait(false);
            if (code != ExitCodes.Ok)
            {
                return code;
            }
        }

        Say("""

            In your own workspace: 'agent-sessions status', and 'agent-sessions reconcile --once --emit-diff'
            for the JSON report (docs/cli.md).
            """);
        return ExitCodes.Ok;
    }

    private async Task RegisterAsync(DemoWorkspace ws, (string Name, string Project, long Pid) a, (string Name, string Project, long Pid) b, CancellationToken cancellationToken)
    {
        var store = RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = ws.Root }, env.Time);
        var created = DateTimeOffset.FromUnixTimeSeconds(env.Time.GetUtcNow().ToUnixTimeSeconds() - 60);
        await store.UpdateAsync(
            registry =>
            {
                registry.Workspace = DemoWorkspace.Name;
                foreach (var (name, project, pid) in new[] { a, b })
                {
                    registry.Sessions.Add(new SessionRow(name)
                    {
                        Agent = "claude",
                        Project = project,
                        Cwd = Path.Combine(ws.Root, project),
                        Status = SessionStatus.Running,
                        LastVisibleStatus = SessionStatus.Running,
                        LastVisibleNote = "registered by the demo",
                        CreatedAt = created,
                        UpdatedAt = created,
                        Pane = new PaneInfo { Pid = pid, Cmd = "sleep", Cwd = Path.Combine(ws.Root, project) },
                    });
                }

                return true;
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The environment of the demo's own commands: its workspace, its Claude folder and home, no state override.</summary>
    private CliEnvironment For(DemoWorkspace ws) => new()
    {
        GetVariable = name => name switch
        {
            "HOME" => ws.Home,
            "CLAUDE_CONFIG_DIR" => ws.ClaudeDirectory,
            "AGENT_SESSIONS_STATE_DIR" or "RECONCILE_POLL_INTERVAL" => null,
            _ => env.GetVariable(name),
        },
        CurrentDirectory = ws.Root,
        Out = env.Out,
        Error = env.Error,
        OutputIsTerminal = env.OutputIsTerminal,
        Time = env.Time,
        Services = env.Services,
    };

    private void Say(string text)
    {
        env.Out.Write(text.ReplaceLineEndings("\n") + "\n");
        env.Out.Flush();
    }
}
