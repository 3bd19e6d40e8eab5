using System.Globalization;
using AgentSessions.Reconcile.Yaml;
using CsCheck;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Tests.Registry;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryStoreTests : IDisposable
{
    private const string Sample = """
        # The agent sessions of this workspace.
        version: 1
        workspace: lab   # tmux prefix
        custom_top: { keep: me }
        sessions:
          - name: lab-a-creator-claude
            agent: claude
            cwd: /home/u/lab/a
            status: running   # set by create skill
            last_visible_status: running
            created_at: 2026-11-20T10:00:00Z
            terminated_at: null
            pane: { pid: 201132, cmd: claude, cwd: /home/u/lab/a }
            x-owner: alice
          # second row
          - name: lab-b-creator-agy
            agent: agy
            status: stopped
            resumable: true
            agent_identities:
              agy: { conversation_id: 5b0c7a9e }
            jobs:
              - job_id: j-1
                auth_token: "s3cr3t"
                status: running
        trailer: 0x1F
        """;

    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task LoadAsync_FileChangedBehindTheStoreWithSameLength_ReadsTheNewContent()
    {
        var store = ws.Store();
        ws.Write(Sample);
        (await store.LoadAsync()).Sessions[0].Status.Should().Be(SessionStatus.Running);
        (await store.UpdateAsync(r => r.Sessions[1].Agent = "zzz")).Written.Should().BeTrue();

        ws.Write(ws.Read().Replace("status: running   # set", "status: stopped   # set", StringComparison.Ordinal));
        var reloaded = await store.LoadAsync();

        reloaded.Sessions[0].Status.Should().Be(SessionStatus.Stopped);
        reloaded.Sessions[1].Agent.Should().Be("zzz");
        (await store.UpdateAsync(r => r.Sessions[0].LastVisibleNote = "noted")).Registry.Sessions[0].Status.Should().Be(SessionStatus.Stopped);
        ws.Read().Should().Contain("status: stopped   # set").And.Contain("last_visible_note: noted");
    }

    [Fact]
    public async Task LoadAsync_SampleFile_MapsTypedFields()
    {
        ws.Write(Sample);
        var registry = await ws.Store().LoadAsync();

        registry.Workspace.Should().Be("lab");
        registry.Sessions.Should().HaveCount(2);
        var a = registry.Sessions[0];
        a.Status.Should().Be(SessionStatus.Running);
        a.CreatedAt.Should().Be(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        a.Pane!.Pid.Should().Be(201132);
        var b = registry.Sessions[1];
        b.Resumable.Should().BeTrue();
        b.AgentIdentities["agy"]["conversation_id"].Should().Be("5b0c7a9e");
        b.Jobs.Single().AuthToken.Should().Be("s3cr3t");
        b.Jobs.Single().Status.Should().Be(JobStatus.Running);
    }

    [Fact]
    public async Task UpdateAsync_ChangeOneStatus_RewritesOnlyThatSpan()
    {
        ws.Write(Sample);
        var result = await ws.Store().UpdateAsync(r =>
        {
            var row = r.Find("lab-a-creator-claude")!;
            row.Status = SessionStatus.Terminated;
            row.TerminatedAt = new DateTimeOffset(2026, 11, 21, 8, 30, 0, TimeSpan.Zero);
            row.TerminationMode = "auto-detected";
            return 0;
        });

        result.Changed.Should().BeTrue();
        result.Written.Should().BeTrue();
        var expected = Sample
            .Replace("status: running   # set by create skill", "status: terminated   # set by create skill")
            .Replace("terminated_at: null", "terminated_at: 2026-11-21T08:30:00Z\n    termination_mode: auto-detected");
        ws.Read().Should().Be(expected);
        File.ReadAllText(ws.BackupPath).Should().Be(Sample);
    }

    [Fact]
    public async Task UpdateAsync_NewRowAndNewPane_AppendsBlockItemKeepingOtherText()
    {
        ws.Write(Sample);
        await ws.Store().UpdateAsync(r =>
        {
            r.Sessions.Add(new SessionRow("lab-c-creator-claude")
            {
                Agent = "claude",
                Status = SessionStatus.Running,
                LastVisibleNote = "auto-registered",
                Pane = new PaneInfo { Pid = 42, Cmd = "claude", Cwd = "/home/u/lab/c" },
            });
            return true;
        });

        var text = ws.Read();
        text.Should().StartWith(Sample[..Sample.IndexOf("trailer:", StringComparison.Ordinal)]);
        text.Should().Contain("""
              - name: lab-c-creator-claude
                agent: claude
                status: running
                last_visible_note: auto-registered
                pane: {pid: 42, cmd: claude, cwd: /home/u/lab/c}
            trailer: 0x1F
            """);
        var reloaded = await ws.Store().LoadAsync();
        reloaded.Sessions.Select(s => s.Name).Should().Equal("lab-a-creator-claude", "lab-b-creator-agy", "lab-c-creator-claude");
    }

    [Fact]
    public async Task UpdateAsync_RemoveRow_DeletesItsLinesOnly()
    {
        ws.Write(Sample);
        await ws.Store().UpdateAsync(r => r.Sessions.Remove(r.Find("lab-a-creator-claude")!));

        var text = ws.Read();
        text.Should().NotContain("lab-a-creator-claude").And.NotContain("x-owner").And.Contain("# second row");
        var start = Sample.IndexOf("  - name: lab-a", StringComparison.Ordinal);
        var end = Sample.IndexOf("  # second row", StringComparison.Ordinal);
        text.Should().Be(Sample.Remove(start, end - start));
    }

    [Fact]
    public async Task UpdateAsync_NoChange_DoesNotWriteOrCreate()
    {
        var store = ws.Store();
        var result = await store.UpdateAsync(r => r.Sessions.Count);

        result.Changed.Should().BeFalse();
        result.Written.Should().BeFalse();
        result.NewText.Should().BeNull();
        File.Exists(ws.RegistryPath).Should().BeFalse();
    }

    [Fact]
    public async Task UpdateAsync_MissingFileWithNewRow_CreatesIt0600()
    {
        var result = await ws.Store().UpdateAsync(r =>
        {
            r.Sessions.Add(new SessionRow("lab-x") { Status = SessionStatus.Running });
            return 1;
        });

        result.Written.Should().BeTrue();
        ws.Read().Should().Be("version: 1\nsessions:\n  - name: lab-x\n    status: running\n");
        File.GetUnixFileMode(ws.RegistryPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Exists(ws.BackupPath).Should().BeFalse();
    }

    [Fact]
    public async Task UpdateAsync_DryRun_ReturnsTextWithoutTouchingDisk()
    {
        ws.Write(Sample);
        var before = Directory.GetFiles(Path.Combine(ws.Root, ".hermes"));
        var result = await ws.Store().UpdateAsync(
            r => r.Sessions[1].Status = SessionStatus.Archived,
            new RegistryUpdateOptions { DryRun = true });

        result.Changed.Should().BeTrue();
        result.Written.Should().BeFalse();
        result.NewText.Should().Be(Sample.Replace("status: stopped", "status: archived"));
        ws.Read().Should().Be(Sample);
        Directory.GetFiles(Path.Combine(ws.Root, ".hermes")).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task UpdateAsync_Mode0600_KeepsModeOnFileAndBackup()
    {
        ws.Write(Sample);
        File.SetUnixFileMode(ws.RegistryPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await ws.Store().UpdateAsync(r => r.Sessions[0].LastVisibleNote = "checked");

        File.GetUnixFileMode(ws.RegistryPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(ws.BackupPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ws.Read().Should().Contain("last_visible_note: checked");
    }

    [Fact]
    public async Task UpdateAsync_CrlfFile_KeepsCrlf()
    {
        var crlf = Sample.Replace("\n", "\r\n");
        ws.Write(crlf);
        await ws.Store().UpdateAsync(r =>
        {
            r.Sessions[0].Status = SessionStatus.Stopped;
            r.Sessions[0].Resumable = true;
            return 0;
        });

        var text = ws.Read();
        text.Replace("\r\n", string.Empty).Should().NotContain("\n");
        text.Should().Contain("status: stopped   # set by create skill\r\n").And.Contain("resumable: true\r\n");
    }

    [Fact]
    public async Task UpdateAsync_ReplacedRowObject_KeepsUnknownKeysOfThatRow()
    {
        ws.Write(Sample);
        await ws.Store().UpdateAsync(r =>
        {
            r.Sessions[0] = new SessionRow("lab-a-creator-claude") { Agent = "claude", Cwd = "/home/u/lab/a", Status = SessionStatus.Running };
            return 0;
        });

        var text = ws.Read();
        text.Should().Contain("x-owner: alice").And.NotContain("last_visible_status: running\n    created_at");
    }

    [Fact]
    public async Task UpdateAsync_DuplicateNameFromChange_ThrowsSchemaAndLeavesFile()
    {
        ws.Write(Sample);
        var act = () => ws.Store().UpdateAsync(r => r.Sessions[1].Name = "lab-a-creator-claude");

        (await act.Should().ThrowAsync<RegistryException>()).Which.Should().Match<RegistryException>(e => e.Kind == RegistryErrorKind.Schema && e.Field == "sessions[1].name");
        ws.Read().Should().Be(Sample);
        File.Exists(ws.BackupPath).Should().BeFalse();
    }

    [Fact]
    public async Task UpdateAsync_EmptyFileWithComments_AppendsAfterComments()
    {
        ws.Write("# registry\n");
        await ws.Store().UpdateAsync(r => { r.Sessions.Add(new SessionRow("a")); return 0; });

        ws.Read().Should().Be("# registry\nversion: 1\nsessions:\n  - name: a\n");
    }

    [Fact]
    public async Task UpdateAsync_Utf8Bom_KeepsBom()
    {
        File.WriteAllBytes(ws.RegistryPath, [0xEF, 0xBB, 0xBF, .. "sessions:\n  - name: a\n"u8.ToArray()]);
        await ws.Store().UpdateAsync(r => r.Sessions[0].Agent = "claude");

        File.ReadAllBytes(ws.RegistryPath).Should().Equal([0xEF, 0xBB, 0xBF, .. "sessions:\n  - name: a\n    agent: claude\n"u8.ToArray()]);
    }

    [Fact]
    public void FindWorkspaceRoot_FromNestedFolder_FindsRootOrNull()
    {
        ws.Write("sessions: []\n");
        var nested = Directory.CreateDirectory(Path.Combine(ws.Root, "a", "b")).FullName;

        RegistryStore.FindWorkspaceRoot(nested).Should().Be(ws.Root);
        RegistryStore.FindWorkspaceRoot(Path.GetTempPath()).Should().BeNull();
    }

    [Fact]
    public void Write_ValueNeedingQuotes_RendersSoItReadsBack()
    {
        foreach (var value in new[] { "yes", "0x1F", "~", "123", "a: b", "#x", "- x", "ünïcødé", "line\nbreak", " pad ", "2026-01-01", "[x]", "it's" })
        {
            var rendered = Y.Emit(new YamlMappingNode { { "k", Y.Str(value) } });
            var scalar = (YamlScalarNode)((YamlMappingNode)TestYaml.Parse(rendered).Root!)["k"];
            scalar.Value.Should().Be(value);
            (Y.IsPlain(scalar) && YamlScalars.LooksNonString(value)).Should().BeFalse(value);
        }
    }

    [Fact]
    public void TryParseTimestamp_StoresOwnForm_ReadsAsTheGeneralParserDoes()
    {
        // yyyy-MM-ddTHH:mm:ssZ has its own fast path: any digits in it (Feb 29, month 13, hour 24, year 0) read as DateTimeOffset.TryParse reads them.
        static void Same(string text)
        {
            var general = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expected);
            YamlScalars.TryParseTimestamp(text, out var value).Should().Be(general, text);
            (value, value.Offset).Should().Be(general ? (expected, expected.Offset) : (default, TimeSpan.Zero), text);
        }

        foreach (var text in new[] { "2024-02-29T23:59:59Z", "2026-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-04-31T10:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:59:60Z" })
        {
            Same(text);
        }

        Gen.Int[0, 9].Array[14].Sample(d => Same(string.Create(CultureInfo.InvariantCulture, $"{d[0]}{d[1]}{d[2]}{d[3]}-{d[4] % 2}{d[5]}-{d[6] % 4}{d[7]}T{d[8] % 3}{d[9]}:{d[10] % 7}{d[11]}:{d[12] % 7}{d[13]}Z")), iter: 2000);
    }
}
