using System.Diagnostics;
using System.Globalization;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>The verification safety net (re-parse, compare, map) and the hard-linked <c>.bak</c>.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryWriterVerificationTests : IDisposable
{
    private const string Text = """
        version: 1
        sessions:
          - name: a
            status: running   # untouched row
            last_visible_note: first
          - name: b
            status: stopped
            last_visible_note: second
          - name: c
            status: running
        """;

    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Theory]
    [InlineData("status: running   # untouched row", "status: stopped   # untouched row")]
    [InlineData("status: running   # untouched row", "status: runing   # untouched row")]
    [InlineData("last_visible_note: first", "last_visible_note: firsT")]
    [InlineData("  - name: c\n    status: running", "  - name: c\n    status: running\n    extra: 1")]
    public void Write_BadSpliceInUntouchedRow_IsCaughtAndSavedWhole(string from, string to)
    {
        var tampered = false;

        var written = TestYaml.Write(
            TestYaml.Load(Text),
            r => r.Sessions[1].LastVisibleNote = "changed",
            out var spliced,
            out var verified,
            text => { tampered = text.Contains(from, StringComparison.Ordinal); return text.Replace(from, to, StringComparison.Ordinal); })!;

        tampered.Should().BeTrue("the injected edit must have hit the spliced text");
        spliced.Should().BeFalse("the tampered splice must fail verification");
        written.Should().NotContain(to.Split('\n')[^1].Trim());
        verified.ShouldBeReadOf(written);
        var reloaded = TestYaml.Load(written).Registry;
        reloaded.Sessions.Select(s => (s.Name, s.Status, s.LastVisibleNote)).Should().Equal(
            ("a", SessionStatus.Running, "first"), ("b", SessionStatus.Stopped, "changed"), ("c", SessionStatus.Running, null));
    }

    [Fact]
    public void Write_UntamperedEdit_IsSpliced()
    {
        var written = TestYaml.Write(TestYaml.Load(Text), r => r.Sessions[1].LastVisibleNote = "changed", out var spliced, text => text);

        spliced.Should().BeTrue();
        written.Should().Be(Text.Replace("second", "changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_ExistingFile_OldInodeBecomesBakWithModeAndNoTempLeft()
    {
        ws.Write(Text);
        File.SetUnixFileMode(ws.RegistryPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var inodeBefore = Inode(ws.RegistryPath);

        (await ws.Store().UpdateAsync(r => r.Sessions[2].LastVisibleNote = "n")).Written.Should().BeTrue();

        Inode(ws.BackupPath).Should().Be(inodeBefore, "the old file itself is the backup");
        Inode(ws.RegistryPath).Should().NotBe(inodeBefore);
        File.ReadAllText(ws.BackupPath).Should().Be(Text);
        File.GetUnixFileMode(ws.BackupPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        File.GetUnixFileMode(ws.RegistryPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Directory.GetFiles(Path.GetDirectoryName(ws.RegistryPath)!, "*.tmp-*").Should().BeEmpty();
    }

    [Fact]
    public async Task UpdateAsync_BakAlreadyLinkedToRegistry_StillRefreshedAndNoTempLeft()
    {
        ws.Write(Text);
        Run("ln", ws.RegistryPath, ws.BackupPath);
        var store = ws.Store();

        await store.UpdateAsync(r => r.Sessions[2].LastVisibleNote = "n1");
        await store.UpdateAsync(r => r.Sessions[2].LastVisibleNote = "n2");

        File.ReadAllText(ws.BackupPath).Should().Contain("last_visible_note: n1").And.NotContain("n2");
        ws.Read().Should().Contain("last_visible_note: n2");
        Directory.GetFiles(Path.GetDirectoryName(ws.RegistryPath)!, "*.tmp-*").Should().BeEmpty();
    }

    private const string Nested = """
        sessions:
          - name: a
            status: running
            pane: { pid: 1, cmd: claude, cwd: /x }
            agent_identities:
              claude: { session_id: s1 }
            jobs:
              - job_id: j1
                status: running
          - name: b
            status: running
        """;

    [Theory]
    [InlineData(0, "pid: 2")]
    [InlineData(1, "session_id: s2")]
    [InlineData(2, "status: completed")]
    [InlineData(3, "job_id: j2")]
    [InlineData(4, "codex:")]
    public async Task UpdateAsync_InPlaceChangeDeepInARow_IsWrittenDespiteSnapshot(int change, string expected)
    {
        ws.Write(Nested);
        var store = ws.Store();
        await store.UpdateAsync(r => r.Sessions[1].LastVisibleNote = "first write, so the store holds a reused parse");

        var result = await store.UpdateAsync(r =>
        {
            var row = r.Sessions[0];
            switch (change)
            {
                case 0: row.Pane!.Pid = 2; break;
                case 1: row.AgentIdentities["claude"]["session_id"] = "s2"; break;
                case 2: row.Jobs[0].Status = JobStatus.Completed; break;
                case 3: row.Jobs.Add(new JobEntry("j2") { Status = JobStatus.Running }); break;
                default: row.AgentIdentities["codex"] = new Dictionary<string, string?> { ["id"] = "c" }; break;
            }

            return change;
        });

        result.Written.Should().BeTrue();
        ws.Read().Should().Contain(expected);
    }

    private static long Inode(string path) => long.Parse(Run("stat", "-c", "%i", path).Trim(), CultureInfo.InvariantCulture);

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(10_000).Should().BeTrue();
        p.ExitCode.Should().Be(0, p.StandardError.ReadToEnd());
        return output;
    }
}
