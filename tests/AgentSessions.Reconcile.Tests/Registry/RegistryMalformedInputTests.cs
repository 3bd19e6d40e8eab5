using System.Text;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>Each malformed registry gives its own error with file:line:column (and field), and an update leaves the file and .bak alone.</summary>
public sealed class RegistryMalformedInputTests : IDisposable
{
    private const string Head = "version: 1\nsessions:\n";
    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    public static TheoryData<string> Cases() => new(Malformed.All.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task LoadAsync_MalformedFile_ReportsSpecificErrorWithLocation(string name)
    {
        var c = Malformed.All[name];
        c.Create(ws.RegistryPath);

        var ex = (await FluentActions.Awaiting(() => ws.Store().LoadAsync()).Should().ThrowAsync<RegistryException>()).Which;

        ex.Kind.Should().Be(c.Kind, ex.Message);
        ex.FilePath.Should().Be(ws.RegistryPath);
        ex.Message.Should().StartWith(ws.RegistryPath);
        ex.Message.Should().Contain(c.Fragment);
        ex.Field.Should().Be(c.Field);
        if (c.Line is not null)
        {
            ex.Line.Should().Be(c.Line, ex.Message);
            ex.Column.Should().Be(c.Column, ex.Message);
            ex.Message.Should().Contain($"{ws.RegistryPath}:{c.Line}:{c.Column}: ");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UpdateAsync_MalformedFile_ThrowsAndLeavesFileAndBackupUntouched(string name)
    {
        var c = Malformed.All[name];
        c.Create(ws.RegistryPath);
        File.WriteAllText(ws.BackupPath, "sessions: [] # previous good version\n");
        var before = c.Large ? null : File.ReadAllBytes(ws.RegistryPath);
        var length = new FileInfo(ws.RegistryPath).Length;
        var called = false;

        var ex = (await FluentActions.Awaiting(() => ws.Store().UpdateAsync(r =>
        {
            called = true;
            r.Sessions.Add(new SessionRow("new-row"));
            return 0;
        })).Should().ThrowAsync<RegistryException>()).Which;

        ex.Kind.Should().Be(c.Kind);
        called.Should().BeFalse();
        new FileInfo(ws.RegistryPath).Length.Should().Be(length);
        if (before is not null)
        {
            File.ReadAllBytes(ws.RegistryPath).Should().Equal(before);
        }

        File.ReadAllText(ws.BackupPath).Should().Be("sessions: [] # previous good version\n");
        Directory.GetFiles(Path.GetDirectoryName(ws.RegistryPath)!, "*.tmp-*").Should().BeEmpty();
    }

    [Fact]
    public void Cases_AtLeastTwenty() => Malformed.All.Count.Should().BeGreaterThanOrEqualTo(20);

    [Fact]
    public async Task LoadAsync_EmptyFile_IsEmptyRegistry()
    {
        ws.Write(string.Empty);
        var registry = await ws.Store().LoadAsync();

        registry.Sessions.Should().BeEmpty();
        registry.Version.Should().Be(1);
    }

    [Fact]
    public async Task LoadAsync_CrlfFileWithError_ReportsCrlfLineNumbers()
    {
        ws.Write("version: 1\r\nsessions:\r\n  - name: a\r\n    status: bogus\r\n");
        var ex = (await FluentActions.Awaiting(() => ws.Store().LoadAsync()).Should().ThrowAsync<RegistryException>()).Which;

        ex.Line.Should().Be(4);
        ex.Column.Should().Be(13);
        ex.Field.Should().Be("sessions[0].status");
    }

    internal sealed record Case(Action<string> Create, RegistryErrorKind Kind, int? Line, int? Column, string? Field, string Fragment, bool Large = false);

    internal static class Malformed
    {
        public static readonly Dictionary<string, Case> All = new()
        {
            ["syntax-unclosed-flow"] = Text(Head + "  - name: a\n    status: [running\n", RegistryErrorKind.Syntax, 5, 1, null, "not valid YAML"),
            ["syntax-bad-indent"] = Text(Head + "  - name: a\n   agent: claude\n", RegistryErrorKind.Syntax, 4, 4, null, "not valid YAML"),
            ["tab-indentation"] = Text(Head + "  - name: a\n\tagent: claude\n", RegistryErrorKind.Syntax, 4, 1, null, "tab is used for indentation"),
            ["duplicate-top-key"] = Text("version: 1\nversion: 2\n", RegistryErrorKind.DuplicateKey, 2, 1, "version", "duplicate key 'version'"),
            ["duplicate-row-key"] = Text(Head + "  - name: a\n    status: running\n    status: stopped\n", RegistryErrorKind.DuplicateKey, 5, 5, "status", "duplicate key 'status'"),
            ["unknown-status-word"] = Text(Head + "  - name: a\n    status: runing\n", RegistryErrorKind.Schema, 4, 13, "sessions[0].status", "'runing' is not a session status"),
            ["status-wrong-case"] = Text(Head + "  - name: a\n    status: Running\n", RegistryErrorKind.Schema, 4, 13, "sessions[0].status", "'Running' is not a session status"),
            ["last-visible-status-free-text"] = Text(Head + "  - name: a\n    last_visible_status: waiting for input\n", RegistryErrorKind.Schema, 4, 26, "sessions[0].last_visible_status", "is not a session status"),
            ["pid-not-integer"] = Text(Head + "  - name: a\n    pane: { pid: abc, cmd: claude }\n", RegistryErrorKind.Schema, 4, 18, "sessions[0].pane.pid", "'abc' is not an integer"),
            ["resumable-not-bool"] = Text(Head + "  - name: a\n    resumable: \"true\"\n", RegistryErrorKind.Schema, 4, 16, "sessions[0].resumable", "is not a boolean"),
            ["version-not-integer"] = Text("version: two\nsessions: []\n", RegistryErrorKind.Schema, 1, 10, "version", "'two' is not an integer"),
            ["version-unknown"] = Text("version: 2\nsessions: []\n", RegistryErrorKind.Schema, 1, 10, "version", "schema version 2 is not supported"),
            ["nesting-10000"] = new(p => File.WriteAllText(p, "x: " + new string('[', 10_000) + new string(']', 10_000) + "\n"), RegistryErrorKind.TooLarge, 1, 67, null, "deeper than the 64-level limit"),
            ["alias-bomb"] = Text(AliasBomb(), RegistryErrorKind.TooLarge, 5, 8, null, "aliases expand to more than 10000 nodes"),
            ["file-200-mb"] = new(p => { using var f = new FileStream(p, FileMode.Create); f.SetLength(200L * 1024 * 1024); }, RegistryErrorKind.TooLarge, null, null, null, "the file is 209,715,200 bytes, larger than the 16 MiB limit", Large: true),
            ["file-50-mb"] = new(p => { using var f = new FileStream(p, FileMode.Create); f.SetLength(50L * 1024 * 1024); }, RegistryErrorKind.TooLarge, null, null, null, "the file is 52,428,800 bytes, larger than the 16 MiB limit", Large: true),
            ["binary-garbage"] = new(p => File.WriteAllBytes(p, [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x3E]), RegistryErrorKind.Syntax, 1, 8, null, "NUL byte"),
            ["invalid-utf8"] = new(p => File.WriteAllBytes(p, [.. "version: 1\nworkspace: "u8.ToArray(), 0xC3, 0x28, 0x0A]), RegistryErrorKind.Syntax, 2, 12, null, "not valid UTF-8"),
            ["utf16-bom"] = new(p => File.WriteAllText(p, "version: 1\n", new UnicodeEncoding(bigEndian: false, byteOrderMark: true)), RegistryErrorKind.Syntax, 1, 1, null, "registry must be UTF-8 (found a UTF-16 byte order mark)"),
            ["missing-name"] = Text(Head + "  - name: a\n  - agent: claude\n", RegistryErrorKind.Schema, 4, 5, "sessions[1].name", "has no name"),
            ["duplicate-session-names"] = Text(Head + "  - name: a\n  - name: b\n  - name: a\n", RegistryErrorKind.Schema, 5, 11, "sessions[2].name", "duplicate session name 'a'"),
            ["sessions-not-sequence"] = Text("sessions:\n  name: a\n", RegistryErrorKind.Schema, 2, 3, "sessions", "must be a sequence"),
            ["bad-timestamp"] = Text(Head + "  - name: a\n    created_at: yesterday\n", RegistryErrorKind.Schema, 4, 17, "sessions[0].created_at", "'yesterday' is not an RFC 3339 timestamp"),
            ["root-is-sequence"] = Text("- a\n- b\n", RegistryErrorKind.Schema, 1, 1, null, "must be a mapping"),
            ["row-is-scalar"] = Text(Head + "  - just-a-name\n", RegistryErrorKind.Schema, 3, 5, "sessions[0]", "each session must be a mapping"),
            ["job-status-unknown"] = Text(Head + "  - name: a\n    jobs:\n      - job_id: j1\n        status: done\n", RegistryErrorKind.Schema, 6, 17, "sessions[0].jobs[0].status", "'done' is not a job status"),
            ["job-last-seq-not-integer"] = Text(Head + "  - name: a\n    jobs:\n      - job_id: j1\n        last_seq: seven\n", RegistryErrorKind.Schema, 6, 19, "sessions[0].jobs[0].last_seq", "'seven' is not an integer"),
            ["job-without-id"] = Text(Head + "  - name: a\n    jobs:\n      - status: running\n", RegistryErrorKind.Schema, 5, 9, "sessions[0].jobs[0].job_id", "the job has no job_id"),
            ["two-documents"] = Text("version: 1\n---\nsessions: []\n", RegistryErrorKind.Syntax, 2, 1, null, "single YAML document"),
            ["undefined-alias"] = Text("version: 1\nworkspace: *nope\n", RegistryErrorKind.Syntax, 2, 12, null, "*nope"),
            ["pane-not-mapping"] = Text(Head + "  - name: a\n    pane: 1234\n", RegistryErrorKind.Schema, 4, 11, "sessions[0].pane", "must be a mapping"),
            ["crlf-unknown-status"] = Text((Head + "  - name: a\n    status: zombie\n").Replace("\n", "\r\n"), RegistryErrorKind.Schema, 4, 13, "sessions[0].status", "'zombie' is not a session status"),
        };

        private static Case Text(string text, RegistryErrorKind kind, int? line, int? column, string? field, string fragment) =>
            new(p => File.WriteAllText(p, text, new UTF8Encoding(false)), kind, line, column, field, fragment);

        private static string AliasBomb()
        {
            var sb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
            for (var i = 1; i < 10; i++)
            {
                var prev = (char)('a' + i - 1);
                var cur = (char)('a' + i);
                sb.Append(cur).Append(": &").Append(cur).Append(" [");
                sb.AppendJoin(",", Enumerable.Repeat("*" + prev, 9));
                sb.Append("]\n");
            }

            return sb.ToString();
        }
    }
}
