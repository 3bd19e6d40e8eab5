using System.Diagnostics;
using System.Globalization;
using AgentSessions.Reconcile.Yaml;
using YamlDotNet.Core;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>The verification safety net (re-parse, compare, map) and the hard-linked <c>.bak</c>.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryWriterVerificationTests : IDisposable
{
    private static readonly YamlLimits Limits = new(64, 10_000);

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
    public void Write_BadEditInUntouchedRow_IsCaughtAndReemitted(string from, string to)
    {
        var loaded = RegistryMapper.Map("t", RegistryYamlParser.Parse("t", Text, hasBom: false, Limits));
        loaded.Registry.Sessions[1].LastVisibleNote = "changed";
        var intended = RegistryComposer.Compose(loaded, loaded.Registry)!;
        var tampered = false;

        var written = RegistryWriter.Write("t", loaded.Document, intended, Limits, text => { tampered = text.Contains(from, StringComparison.Ordinal); return text.Replace(from, to, StringComparison.Ordinal); }, out var surgical, out var verified);

        tampered.Should().BeTrue("the injected edit must have hit the patched text");
        surgical.Should().BeFalse("the tampered surgical text must fail verification");
        written.Should().NotContain(to.Split('\n')[^1].Trim());
        YamlEquality.Same(verified.Root!, intended).Should().BeTrue();
        var reloaded = RegistryMapper.Map("t", RegistryYamlParser.Parse("t", written, hasBom: false, Limits)).Registry;
        reloaded.Sessions.Select(s => (s.Name, s.Status, s.LastVisibleNote)).Should().Equal(
            ("a", SessionStatus.Running, "first"), ("b", SessionStatus.Stopped, "changed"), ("c", SessionStatus.Running, null));
    }

    [Fact]
    public void Write_UntamperedEdit_StaysSurgical()
    {
        var loaded = RegistryMapper.Map("t", RegistryYamlParser.Parse("t", Text, hasBom: false, Limits));
        loaded.Registry.Sessions[1].LastVisibleNote = "changed";
        var intended = RegistryComposer.Compose(loaded, loaded.Registry)!;

        var written = RegistryWriter.Write("t", loaded.Document, intended, Limits, text => text, out var surgical, out _);

        surgical.Should().BeTrue();
        written.Should().Be(Text.Replace("second", "changed", StringComparison.Ordinal));
    }

    [Fact]
    public void Write_ChangedRowThatDoesNotMap_Throws()
    {
        // The changed row is still mapped after the re-parse: a composed row with a bad status word is refused.
        var loaded = RegistryMapper.Map("t", RegistryYamlParser.Parse("t", Text, hasBom: false, Limits));
        loaded.Registry.Sessions[1].LastVisibleNote = "changed";
        var intended = (YMap)RegistryComposer.Compose(loaded, loaded.Registry)!;
        var row = (YMap)((YSeq)intended.Get("sessions")!).Items[1];
        row.Entries[row.IndexOf("status")] = new(row.Entries[row.IndexOf("status")].Key, new YScalar("bogus", ScalarStyle.Plain));

        var act = () => RegistryWriter.Write("t", loaded.Document, intended, Limits, out _);

        act.Should().Throw<RegistryException>().Which.Message.Should().Contain("could not be written");
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
