using System.Diagnostics;
using AgentSessions.Reconcile.Testing;
using AgentSessions.Reconcile.Tests.Registry;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>
/// The race of issue #4 on the real store: a person's stop lands, through another process that
/// holds the registry lock with flock(1) the way the shell skills do, after the pass has read the
/// registry and while it is probing. The pass must leave the row as the person left it.
/// </summary>
public sealed class ReconcilerRealStoreRaceTests : IDisposable
{
    private const string Registry = """
        # hand-written: keep this comment
        version: 1
        workspace: lab
        sessions:
          - name: lab-landing-page-creator-claude
            agent: claude
            cwd: /home/u/lab/landing-page
            status: running
            last_visible_status: running
            pane: { pid: 201132, cmd: claude, cwd: /home/u/lab/landing-page }
            claude_session_id_own: null
          - name: lab-api-creator-agy
            agent: agy
            status: running
            pane: { pid: 4242, cmd: agy, cwd: /home/u/lab/api }
        """;

    private readonly TempWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task ReconcileAsync_PersonStopsRowViaFlockBetweenProbeAndApply_RowStaysStopped()
    {
        _workspace.Write(Registry.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        var store = _workspace.Store(lockTimeout: TimeSpan.FromSeconds(30));
        var probe = new FakeSessionProbe(); // tmux known, no sessions: both rows look gone (drift A)
        var personWrote = false;
        probe.OnObserve = _ =>
        {
            if (!personWrote)
            {
                personWrote = true;
                StopRowWithFlock(_workspace.LockPath, _workspace.RegistryPath, "lab-landing-page-creator-claude");
            }
        };
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions { StateDirectory = Path.Combine(_workspace.Root, "state") });

        var report = await reconciler.ReconcileAsync(new ReconcileRequest());

        personWrote.Should().BeTrue();
        var after = await store.LoadAsync();
        var stopped = after.Find("lab-landing-page-creator-claude")!;
        stopped.Status.Should().Be(SessionStatus.Stopped, "the person's stop came after the read and must win");
        stopped.TerminationMode.Should().Be("user");
        stopped.TerminatedAt.Should().BeNull();
        after.Find("lab-api-creator-agy")!.Status.Should().Be(SessionStatus.Terminated, "the other row's drift is still applied");

        report.Drifts.Should().ContainSingle(d => d.Session == "lab-landing-page-creator-claude" && d.Class == DriftClass.TmuxGone)
            .Which.Applied.Should().BeFalse();
        report.Drifts.Should().ContainSingle(d => d.Session == "lab-api-creator-agy" && d.Class == DriftClass.TmuxGone)
            .Which.Applied.Should().BeTrue();
        _workspace.Read().Should().Contain("# hand-written: keep this comment");
    }

    /// <summary>Plays the stop skill: takes the lock with flock(1), rewrites the row's status, renames into place.</summary>
    private static void StopRowWithFlock(string lockPath, string registryPath, string name)
    {
        const string script = """
            import os, sys
            path, name = sys.argv[1], sys.argv[2]
            lines = open(path, encoding="utf-8").read().split("\n")
            out, inside = [], False
            for line in lines:
                stripped = line.strip()
                if stripped.startswith("- name:"):
                    inside = stripped == "- name: " + name
                if inside and stripped.startswith("status: running"):
                    indent = line[: len(line) - len(line.lstrip())]
                    out.append(indent + "status: stopped")
                    out.append(indent + "termination_mode: user")
                    continue
                out.append(line)
            tmp = path + ".person-tmp"
            open(tmp, "w", encoding="utf-8").write("\n".join(out))
            os.replace(tmp, path)
            """;
        var psi = new ProcessStartInfo("flock")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-x", "-w", "20", lockPath, "python3", "-c", script, registryPath, name })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit(30_000).Should().BeTrue("flock + python must finish within its bound");
        process.ExitCode.Should().Be(0, stderr);
    }

    [Fact]
    public async Task ReconcileAsync_RegistersSession_StampsWholeSecondTimestamps()
    {
        var store = _workspace.Store();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 5, 0, 123, TimeSpan.Zero).AddTicks(4567));
        var probe = new FakeSessionProbe().AddTmuxSession("lab-api-creator-claude", cwd: "/home/u/lab/api", pid: 77, command: "claude");
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions { WorkspaceName = "lab", StateDirectory = Path.Combine(_workspace.Root, "state") }, time);

        await reconciler.ReconcileAsync(new ReconcileRequest());

        _workspace.Read().Should().Contain("updated_at: 2026-11-20T10:05:00Z");
        (await store.LoadAsync()).Find("lab-api-creator-claude")!.UpdatedAt.Should().Be(new DateTimeOffset(2026, 11, 20, 10, 5, 0, TimeSpan.Zero));
    }
}
