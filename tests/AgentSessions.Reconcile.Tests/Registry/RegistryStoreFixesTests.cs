using System.Diagnostics;
using System.Net.Sockets;
using AgentSessions.Reconcile.Yaml;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>The store's fixes of issue #8: each test failed on the store before the fix.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryStoreFixesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 4, 0, 0, TimeSpan.Zero);
    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task UpdateAsync_TerminateLastRowAndAppendRow_KeepsEveryComment()
    {
        ws.Write("""
            # my notes
            sessions:
              # api agent
              - name: lab-api-creator-claude
                agent: claude
                status: running

            """);

        var result = await ws.Store().UpdateAsync(r =>
        {
            var row = r.Sessions[0];
            row.Status = SessionStatus.Terminated;
            row.TerminatedAt = Now;
            row.TerminationMode = "auto-detected";
            row.UpdatedAt = Now;
            r.Sessions.Add(new SessionRow("lab-web-creator-claude") { Agent = "claude", Status = SessionStatus.Running, LastVisibleNote = "auto-registered" });
            return 0;
        });

        result.Written.Should().BeTrue();
        var text = ws.Read();
        text.Should().StartWith("# my notes\nsessions:\n  # api agent\n  - name: lab-api-creator-claude\n", text);
        var reloaded = await ws.Store().LoadAsync();
        reloaded.Sessions.Select(s => s.Name).Should().Equal("lab-api-creator-claude", "lab-web-creator-claude");
        reloaded.Sessions[0].TerminationMode.Should().Be("auto-detected");
        reloaded.Sessions[1].LastVisibleNote.Should().Be("auto-registered");
    }

    [Fact]
    public void UpdateAsync_AnyMixOfReconcilerEdits_KeepsEveryCommentLineOfUntouchedText()
    {
        var gen = Gen.Select(Gen.Int[1, 6], Gen.Int[0, 2], Gen.Int);
        gen.Sample(
            (rows, appends, seed) =>
            {
                using var w = new TempWorkspace();
                var random = new Random(seed);
                var text = new System.Text.StringBuilder("# workspace notes\nversion: 1\nsessions:\n");
                for (var i = 0; i < rows; i++)
                {
                    text.Append("  # row ").Append(i).Append('\n')
                        .Append("  - name: lab-r").Append(i).Append("-creator-claude\n")
                        .Append("    agent: claude   # kept ").Append(i).Append('\n')
                        .Append("    status: running\n")
                        .Append("    last_visible_status: stopped\n")
                        .Append("    pane: { pid: ").Append(100 + i).Append(", cmd: claude, cwd: /w }\n");
                }

                text.Append("# trailing notes\n");
                w.Write(text.ToString());
                var kinds = Enumerable.Range(0, rows).Select(_ => random.Next(4)).ToArray();
                var result = w.Store().UpdateAsync(
                    r =>
                    {
                        for (var i = 0; i < rows; i++)
                        {
                            var row = r.Sessions[i];
                            switch (kinds[i])
                            {
                                case 1: // A
                                    row.Status = SessionStatus.Terminated;
                                    row.TerminatedAt = Now;
                                    row.TerminationMode = "auto-detected";
                                    row.UpdatedAt = Now;
                                    break;
                                case 2: // C
                                    row.ClaudeSessionIdOwn = "87dc548e-" + i;
                                    row.UpdatedAt = Now;
                                    break;
                                case 3: // refresh
                                    row.LastVisibleStatus = SessionStatus.Running;
                                    row.LastVisibleNote = "working on step " + i;
                                    row.UpdatedAt = Now;
                                    break;
                            }
                        }

                        for (var j = 0; j < appends; j++)
                        {
                            r.Sessions.Add(new SessionRow("lab-new" + j + "-creator-claude")
                            {
                                Agent = "claude",
                                Status = SessionStatus.Running,
                                LastVisibleStatus = SessionStatus.Running,
                                LastVisibleNote = "auto-registered",
                                CreatedAt = Now,
                                UpdatedAt = Now,
                                Pane = new PaneInfo { Pid = 900 + j, Cmd = "claude", Cwd = "/w" },
                            });
                        }

                        return 0;
                    },
                    new RegistryUpdateOptions { DryRun = true }).GetAwaiter().GetResult();

                var written = result.NewText ?? text.ToString();
                var comments = text.ToString().Split('\n').Where(l => l.Contains('#', StringComparison.Ordinal)).ToList();
                var kept = written.Split('\n').Where(l => l.Contains('#', StringComparison.Ordinal)).ToList();
                kept.Should().Equal(comments, written);
            },
            iter: 150);
    }

    public static TheoryData<string> NotFiles() => new() { "directory", "fifo", "socket", "dev-zero", "dev-null", "link-to-directory", "link-to-fifo" };

    [Theory]
    [MemberData(nameof(NotFiles))]
    public async Task LoadAndUpdate_PathIsNotARegularFile_OneClearSentenceAndNothingCreated(string kind)
    {
        var path = ws.RegistryPath;
        string expected;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        switch (kind)
        {
            case "directory":
                Directory.CreateDirectory(path);
                expected = "is a directory, not a file";
                break;
            case "fifo":
                MakeFifo(path);
                expected = "is a FIFO, not a file";
                break;
            case "socket":
                socket.Bind(new UnixDomainSocketEndPoint(path));
                expected = "is a socket, not a file";
                break;
            case "dev-zero":
                File.CreateSymbolicLink(path, "/dev/zero");
                expected = "is a character device, not a file";
                break;
            case "dev-null":
                File.CreateSymbolicLink(path, "/dev/null");
                expected = "is a character device, not a file";
                break;
            case "link-to-directory":
                Directory.CreateDirectory(Path.Combine(ws.Root, "elsewhere"));
                File.CreateSymbolicLink(path, Path.Combine(ws.Root, "elsewhere"));
                expected = "is a directory, not a file";
                break;
            default:
                MakeFifo(Path.Combine(ws.Root, "pipe"));
                File.CreateSymbolicLink(path, Path.Combine(ws.Root, "pipe"));
                expected = "is a FIFO, not a file";
                break;
        }

        try
        {
            var store = ws.Store(lockTimeout: TimeSpan.FromSeconds(1));
            foreach (var attempt in new Func<Task>[]
            {
                () => store.LoadAsync(),
                () => store.UpdateAsync(r => { r.Sessions.Add(new SessionRow("x")); return 0; }, new RegistryUpdateOptions { DryRun = true }),
                () => store.UpdateAsync(r => { r.Sessions.Add(new SessionRow("x")); return 0; }),
            })
            {
                // Run off the test thread with a bound, so a store that blocks fails the test instead of hanging it.
                var ex = (await FluentActions.Awaiting(() => Task.Run(attempt).WaitAsync(TimeSpan.FromSeconds(30))).Should().ThrowAsync<RegistryException>()).Which;
                ex.Kind.Should().Be(RegistryErrorKind.Schema, ex.Message);
                ex.Message.Should().Be($"{path}: {expected}; a registry must be a regular file.");
            }

            File.Exists(ws.BackupPath).Should().BeFalse();
            Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*").Should().BeEmpty();
        }
        finally
        {
            // A reader stuck in open(2) on the FIFO is released by a writer opening it.
            foreach (var fifo in new[] { path, Path.Combine(ws.Root, "pipe") })
            {
                var fd = NativeMethods.Open(fifo, 0x0001 | 0x0800, 0);
                if (fd >= 0)
                {
                    NativeMethods.Close(fd);
                }
            }
        }
    }

    [Fact]
    public async Task FindWorkspaceRoot_RegistryPathIsADirectory_FindsTheRootSoTheStoreCanSaySo()
    {
        Directory.CreateDirectory(ws.RegistryPath);

        RegistryStore.FindWorkspaceRoot(ws.Root).Should().Be(ws.Root);
        (await FluentActions.Awaiting(() => ws.Store().LoadAsync()).Should().ThrowAsync<RegistryException>())
            .Which.Message.Should().Contain("is a directory, not a file");
    }

    [Fact]
    public async Task LoadAsync_WriterHoldsTheLockPastTheTimeout_LockedInsteadOfReadingAHalfWrittenFile()
    {
        ws.Write("version: 1\nsessions:\n  - name: a\n    status: runn");
        using var writer = HoldLock(ws.LockPath);

        var ex = (await FluentActions.Awaiting(() => ws.Store(lockTimeout: TimeSpan.Zero).LoadAsync()).Should().ThrowAsync<RegistryException>()).Which;
        ex.Kind.Should().Be(RegistryErrorKind.Locked, ex.Message);

        var dry = (await FluentActions.Awaiting(() => ws.Store(lockTimeout: TimeSpan.Zero).UpdateAsync(_ => 0, new RegistryUpdateOptions { DryRun = true })).Should().ThrowAsync<RegistryException>()).Which;
        dry.Kind.Should().Be(RegistryErrorKind.Locked, dry.Message);
    }

    [Fact]
    public async Task LoadAsync_WriterHoldsTheLock_ReadsAfterItIsReleased()
    {
        var time = new FakeTimeProvider();
        ws.Write("version: 1\nsessions:\n  - name: a\n    status: runn");
        var writer = HoldLock(ws.LockPath);
        var load = ws.Store(lockTimeout: TimeSpan.FromMinutes(10), time: time).LoadAsync(); // the clock moves until it reads

        load.IsCompleted.Should().BeFalse("the read waits for the writer's lock");
        ws.Write("version: 1\nsessions:\n  - name: a\n    status: running\n  - name: b\n");
        writer.Dispose();
        var registry = await AdvanceUntil(time, load);

        registry.Sessions.Select(s => s.Name).Should().Equal("a", "b");
    }

    [Fact]
    public async Task LoadAsync_NoLockFile_CreatesNone()
    {
        ws.Write("version: 1\nsessions: []\n");
        await ws.Store().LoadAsync();
        await ws.Store().UpdateAsync(r => { r.Sessions.Add(new SessionRow("a")); return 0; }, new RegistryUpdateOptions { DryRun = true });

        File.Exists(ws.LockPath).Should().BeFalse();
    }

    [Fact]
    public async Task UpdateAsync_SymlinkedRegistry_WritesTheTargetAndKeepsTheLink()
    {
        var shared = Path.Combine(ws.Root, "shared");
        Directory.CreateDirectory(shared);
        var target = Path.Combine(shared, "registry.yaml");
        File.WriteAllText(target, "# shared\nsessions:\n  - name: a\n    status: running\n");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(ws.RegistryPath, "../shared/registry.yaml");

        var result = await ws.Store().UpdateAsync(r => r.Sessions[0].Status = SessionStatus.Stopped);

        result.Written.Should().BeTrue();
        new FileInfo(ws.RegistryPath).LinkTarget.Should().Be("../shared/registry.yaml");
        File.ReadAllText(target).Should().Be("# shared\nsessions:\n  - name: a\n    status: stopped\n");
        File.ReadAllText(target + ".bak").Should().Be("# shared\nsessions:\n  - name: a\n    status: running\n");
        File.Exists(target + ".lock").Should().BeTrue();
        File.GetUnixFileMode(target).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Exists(ws.BackupPath).Should().BeFalse();
        Directory.GetFiles(shared, "*.tmp-*").Should().BeEmpty();
        (await ws.Store().LoadAsync()).Sessions[0].Status.Should().Be(SessionStatus.Stopped);
    }

    [Fact]
    public async Task UpdateAsync_BackupFailsAfterTheRename_ReportsWrittenWithAWarning()
    {
        ws.Write("sessions:\n  - name: a\n    status: running\n");
        Directory.CreateDirectory(ws.BackupPath);
        File.WriteAllText(Path.Combine(ws.BackupPath, "in-the-way"), "x");

        var result = await ws.Store().UpdateAsync(r => r.Sessions[0].Status = SessionStatus.Stopped);

        result.Written.Should().BeTrue();
        result.Warning.Should().Contain(".bak");
        ws.Read().Should().Contain("status: stopped");
        Directory.GetFiles(Path.GetDirectoryName(ws.RegistryPath)!, "*.tmp-*").Should().BeEmpty();
    }

    [Fact]
    public async Task UpdateAsync_RemoveLastRowAndAppendOne_NoRawInvalidOperation()
    {
        ws.Write("# notes\nsessions:\n  - name: a\n    status: running\n  - name: b\n    status: running\n");

        await ws.Store().UpdateAsync(r =>
        {
            r.Sessions.RemoveAt(1);
            r.Sessions.Add(new SessionRow("c") { Status = SessionStatus.Running });
            return 0;
        });

        (await ws.Store().LoadAsync()).Sessions.Select(s => s.Name).Should().Equal("a", "c");
    }

    [Fact]
    public async Task UpdateAsync_RemoveLastJobAndAppendOne_NoRawInvalidOperation()
    {
        ws.Write("sessions:\n  - name: a\n    jobs:\n      - job_id: j1\n        status: running\n      - job_id: j2\n        status: running\n  - name: b\n");

        await ws.Store().UpdateAsync(r =>
        {
            r.Sessions[0].Jobs.RemoveAt(1);
            r.Sessions[0].Jobs.Add(new JobEntry("j3") { Status = JobStatus.Running });
            return 0;
        });

        (await ws.Store().LoadAsync()).Sessions[0].Jobs.Select(j => j.JobId).Should().Equal("j1", "j3");
    }

    [Fact]
    public async Task UpdateAsync_RemoveLastIdentityAndAddOne_NoRawInvalidOperation()
    {
        ws.Write("sessions:\n  - name: a\n    agent_identities:\n      agy:\n        conversation_id: c1\n      claude:\n        session_id: s1\n  - name: b\n");

        await ws.Store().UpdateAsync(r =>
        {
            var ids = r.Sessions[0].AgentIdentities;
            ids.Remove("claude");
            ids["codex"] = new Dictionary<string, string?> { ["thread"] = "t1" };
            return 0;
        });

        (await ws.Store().LoadAsync()).Sessions[0].AgentIdentities.Keys.Should().BeEquivalentTo("agy", "codex");
    }

    private static void MakeFifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit(TimeSpan.FromSeconds(10)).Should().BeTrue();
        p.ExitCode.Should().Be(0);
    }

    private static Held HoldLock(string lockPath)
    {
        var fd = NativeMethods.Open(lockPath, NativeMethods.OpenReadWriteCreate, Convert.ToInt32("644", 8));
        fd.Should().BeGreaterThanOrEqualTo(0);
        NativeMethods.Flock(fd, NativeMethods.LockEx | NativeMethods.LockNb).Should().Be(0);
        return new Held(fd);
    }

    private static async Task<T> AdvanceUntil<T>(FakeTimeProvider time, Task<T> task)
    {
        // Moved until the task ends, bounded by the wall clock: a fixed count of moves could run out on a loaded
        // machine before the store armed its next poll, which then would never fire.
        for (var bound = System.Diagnostics.Stopwatch.StartNew(); !task.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(60);)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(10)));
        }

        return await task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private sealed class Held(int fd) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (!disposed)
            {
                disposed = true;
                NativeMethods.Close(fd);
            }
        }
    }
}
