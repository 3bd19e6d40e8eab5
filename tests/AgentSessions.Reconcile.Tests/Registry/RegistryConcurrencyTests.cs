using System.Diagnostics;
using System.Globalization;
using AgentSessions.Reconcile.StoreStress;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>Real processes: SIGKILL in the middle of updates, concurrent writers (ours and flock(1) + python), flock interop.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryConcurrencyTests : IDisposable
{
    private const string Seed = "# crash test\nversion: 1\nsessions:\n  - name: seed   # kept\n    status: stopped\n";
    private readonly TempWorkspace ws = new();
    private readonly List<Process> processes = [];
    private readonly SemaphoreSlim changed = new(0);
    private readonly FileSystemWatcher watcher;

    public RegistryConcurrencyTests()
    {
        watcher = new FileSystemWatcher(Path.Combine(ws.Root, ".hermes")) { NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size };
        watcher.Changed += (_, _) => Signal();
        watcher.Created += (_, _) => Signal();
        watcher.Renamed += (_, _) => Signal();
        watcher.EnableRaisingEvents = true;
    }

    private void Signal()
    {
        if (changed.CurrentCount == 0)
        {
            changed.Release();
        }
    }

    public void Dispose()
    {
        watcher.Dispose();
        changed.Dispose();
        foreach (var p in processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                    p.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            p.Dispose();
        }

        ws.Dispose();
    }

    [Fact]
    public async Task UpdateAsync_ChildKilledWithSigkill200Times_FileAlwaysACommittedVersion()
    {
        ws.Write(Seed);
        var versions = new List<string> { Seed };
        var rnd = new Random(12345);
        var kills = 0;
        while (kills < 200)
        {
            var before = Step(ws.Read());
            var child = StartStress("loop", ws.Root);
            await PollAsync(() => Step(SafeRead()) > before, TimeSpan.FromSeconds(60), "child never got into its update loop");
            var target = Step(SafeRead()) + rnd.Next(0, 2);
            await PollAsync(() => Step(SafeRead()) >= target, TimeSpan.FromSeconds(30), "child stopped making progress");
            var spin = rnd.Next(0, 500_000);
            for (var i = 0; i < spin; i++)
            {
                Thread.SpinWait(1);
            }

            child.Kill();
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            kills++;

            var text = ws.Read();
            var n = Step(text);
            Expected(versions, n).Should().Be(text, $"after kill {kills} the file must be committed version {n}");
            if (File.Exists(ws.BackupPath))
            {
                var bak = File.ReadAllText(ws.BackupPath);
                var m = Step(bak);
                m.Should().BeLessThan(n);
                Expected(versions, m).Should().Be(bak, "the .bak must be a whole committed version");
            }
        }

        Step(ws.Read()).Should().BeGreaterThanOrEqualTo(200);
    }

    [Fact]
    public async Task UpdateAsync_TwoProcessesAndFlockShellLoop_LoseNoIncrement()
    {
        ws.Write("version: 1\nsessions:\n  - name: seed\n");
        var script = Path.Combine(ws.Root, "bump.py");
        await File.WriteAllTextAsync(script, """
            import os, re, sys
            p = sys.argv[1]
            t = open(p, encoding="utf-8").read()
            m = re.search(r"^shell_counter: (\d+)$", t, re.M)
            if m:
                t = t[:m.start()] + "shell_counter: %d" % (int(m.group(1)) + 1) + t[m.end():]
            else:
                t = "shell_counter: 1\n" + t
            tmp = p + ".shtmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(t)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, p)
            """);
        var loop = Path.Combine(ws.Root, "loop.sh");
        await File.WriteAllTextAsync(loop, "set -e\nfor i in $(seq 100); do flock -x \"$1\" python3 \"$2\" \"$3\"; done\necho done\n");

        var a = StartStress("count", ws.Root, "counter-a", "100");
        var b = StartStress("count", ws.Root, "counter-b", "100");
        var shell = Start("bash", loop, ws.LockPath, script, ws.RegistryPath);

        foreach (var p in new[] { a, b, shell })
        {
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
            p.ExitCode.Should().Be(0, await p.StandardError.ReadToEndAsync());
        }

        var registry = await ws.Store().LoadAsync();
        registry.Find("counter-a")!.LastVisibleNote.Should().Be("100");
        registry.Find("counter-b")!.LastVisibleNote.Should().Be("100");
        registry.Find("seed").Should().NotBeNull();
        ws.Read().Should().Contain("shell_counter: 100\n");
    }

    [Fact]
    public async Task UpdateAsync_Flock1HolderBeyondBound_FailsLockedThenProceedsAfterRelease()
    {
        ws.Write("sessions:\n  - name: a\n");
        var holder = Start("flock", "-x", ws.LockPath, "-c", "echo locked; read line");
        (await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))).Should().Be("locked");

        var ex = (await FluentActions.Awaiting(() => ws.Store(lockTimeout: TimeSpan.FromMilliseconds(200)).UpdateAsync(r => r.Sessions[0].Agent = "claude"))
            .Should().ThrowAsync<RegistryException>()).Which;
        ex.Kind.Should().Be(RegistryErrorKind.Locked);
        ex.Message.Should().Contain("locked by another writer");
        ws.Read().Should().Be("sessions:\n  - name: a\n");

        var waiting = ws.Store(lockTimeout: TimeSpan.FromSeconds(60)).UpdateAsync(r => r.Sessions[0].Agent = "claude");
        waiting.IsCompleted.Should().BeFalse("the update must wait while flock(1) holds the lock");
        ws.Read().Should().Be("sessions:\n  - name: a\n");
        await holder.StandardInput.WriteLineAsync("go");
        await holder.StandardInput.FlushAsync();
        await holder.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(60));
        result.Written.Should().BeTrue();
        ws.Read().Should().Be("sessions:\n  - name: a\n    agent: claude\n");
    }

    [Fact]
    public async Task UpdateAsync_LockHeldWithFakeClock_WaitsUntilBoundThenLocked()
    {
        ws.Write("sessions: []\n");
        var holder = Start("flock", "-x", ws.LockPath, "-c", "echo locked; read line");
        (await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))).Should().Be("locked");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();

        var update = ws.Store(lockTimeout: TimeSpan.FromSeconds(5), time: time).UpdateAsync(r => r.Workspace = "lab");
        var start = time.GetUtcNow();
        // Moved until the update ends (bounded by the wall clock, not by a count of moves: on a loaded machine
        // the store may arm its next poll only after a fixed count of moves went by, and then wait forever).
        for (var bound = Stopwatch.StartNew(); !update.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(60);)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            await Task.Delay(1);
        }

        (time.GetUtcNow() - start).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(5), "the update must keep waiting until the 5 s bound");

        var ex = (await FluentActions.Awaiting(() => update.WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowAsync<RegistryException>()).Which;
        ex.Kind.Should().Be(RegistryErrorKind.Locked);
        await holder.StandardInput.WriteLineAsync("go");
        await holder.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private string SafeRead()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return ws.Read();
            }
            catch (IOException) when (attempt < 100)
            {
            }
        }
    }

    private static int Step(string text)
    {
        var loaded = TestYaml.Load(text);
        var row = loaded.Registry.Find(StressSteps.RowName);
        return row is null ? 0 : int.Parse(row.LastVisibleNote!, CultureInfo.InvariantCulture);
    }

    private static string Expected(List<string> versions, int n)
    {
        while (versions.Count <= n)
        {
            versions.Add(TestYaml.Write(TestYaml.Load(versions[^1]), r => StressSteps.Next(r), out _)!);
        }

        return versions[n];
    }

    /// <summary>Re-checks <paramref name="condition"/> whenever the .hermes folder changes (inotify), failing after <paramref name="bound"/>.</summary>
    private async Task PollAsync(Func<bool> condition, TimeSpan bound, string because)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            watch.Elapsed.Should().BeLessThan(bound, because);
            await changed.WaitAsync(TimeSpan.FromMilliseconds(50));
        }
    }

    private Process StartStress(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "AgentSessions.Reconcile.StoreStress.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return Start(host, [dll, .. args]);
    }

    private Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        processes.Add(p);
        return p;
    }
}
