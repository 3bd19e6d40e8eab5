using System.Text;
using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>
/// A change is written into the file's bytes (rows copied byte for byte, only the changed row decoded
/// and encoded again), and an unchanged file read under the lock is compared with the last read as it
/// is read, not held twice.
/// </summary>
public sealed class RegistryBytesTests : IDisposable
{
    // Characters of two, three and four UTF-8 bytes before, in and after the changed row.
    private const string Text = """
        # Registry — ü, €, 🙂
        version: 1
        workspace: läb
        sessions:
          - name: läb-a-creator-claude  # first — ü
            status: running
            last_visible_note: "naïve € 🙂"
          - name: läb-b-creator-claude
            status: stopped
            last_visible_note: grün
          # between — €
          - name: läb-c-creator-claude
            status: running
            cwd: /home/ü/🙂
        # after — 🙂

        """;

    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpdateAsync_NonAsciiFile_WritesTheChangedRowOnlyAndKeepsEveryOtherByte(bool bom)
    {
        var original = Text.Replace("\r\n", "\n", StringComparison.Ordinal);
        byte[] Bytes(string text) => bom ? [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)] : Encoding.UTF8.GetBytes(text);
        await File.WriteAllBytesAsync(ws.RegistryPath, Bytes(original));
        var store = ws.Store();
        await store.LoadAsync();

        var result = await store.UpdateAsync(r => r.Sessions[1].LastVisibleNote = "blau");
        var again = await store.UpdateAsync(r => r.Sessions[2].Status = SessionStatus.Stopped);

        var first = original.Replace("last_visible_note: grün", "last_visible_note: blau", StringComparison.Ordinal);
        var expected = first.Replace("    status: running\n    cwd:", "    status: stopped\n    cwd:", StringComparison.Ordinal);
        result.NewText.Should().Be(first);
        again.NewText.Should().Be(expected);
        (await File.ReadAllBytesAsync(ws.RegistryPath)).Should().Equal(Bytes(expected));
        (await ws.Store().LoadAsync()).Sessions.Select(s => s.LastVisibleNote).Should().Equal("naïve € 🙂", "blau", null);
    }

    [Fact]
    public void ReadBytes_SameBytes_GivesTheSameArrayElseTheFileAsItIsNow()
    {
        var path = ws.RegistryPath;
        var large = new string('x', 200_000) + "\n";
        File.WriteAllText(path, large);
        var first = RegistryFiles.ReadBytes(path, path, 1 << 20)!;

        RegistryFiles.ReadBytes(path, path, 1 << 20, same: first).Should().BeSameAs(first);

        // Changed at the end (same length), shorter, longer: the new bytes, whole.
        foreach (var changed in new[] { large[..^2] + "y\n", large[..^10], large + "more\n" })
        {
            File.WriteAllText(path, changed);
            var read = RegistryFiles.ReadBytes(path, path, 1 << 20, same: first);
            read.Should().NotBeSameAs(first);
            read.Should().Equal(Encoding.UTF8.GetBytes(changed));
        }
    }

    [Fact]
    public void DriftStateLoad_FileWithByteOrderMark_ReadsAsWithout()
    {
        var store = new FileDriftStateStore(new System.IO.Abstractions.FileSystem(), ws.Root, stateDirectory: null);
        var state = new DriftState();
        state.Reported[new DriftKey(DriftClass.StaleId, "läb-a-creator-claude", "claude_session_id_own")] = new ReportedDrift("0a1b", "gone — 🙂", DateTimeOffset.UnixEpoch);
        store.Save("läb", state);
        var path = FileDriftStateStore.PathFor(ws.Root, null, "läb");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(path)]);

        store.Load("läb").ContentEquals(state).Should().BeTrue();
    }

    [Theory]
    [InlineData("version: 1\nsessions:\n  - name: a\n    status: running  # c\n  - {name: b, pane: {pid: 1}}\nworkspace: w\n")]
    [InlineData("\uFEFFversion: 1\r\nsessions:\r\n  - name: a\r\n    jobs: [{job_id: j}]\r\n\r\n  # end\r\n")]
    [InlineData("sessions: [{name: a}]\n")]
    public void ReadAscii_SameSnapshotAsTheDecodedText(string text)
    {
        var file = Encoding.UTF8.GetBytes(text);
        var ascii = RegistryReader.ReadAscii("t", file, TestYaml.Limits)!;
        var decoded = RegistryReader.Read("t", text.TrimStart('\uFEFF'), text.StartsWith('\uFEFF'), TestYaml.Limits);

        RegistryWriter.Matches(ascii, decoded.Copy()).Should().BeTrue();
        ascii.Spans.Should().Equal(decoded.Spans);
        (ascii.SessionsEnd, ascii.HasBom, ascii.NewLine).Should().Be((decoded.SessionsEnd, decoded.HasBom, decoded.NewLine));
        RegistryReader.ReadAscii("t", Encoding.UTF8.GetBytes(text + "# ü\n"), TestYaml.Limits).Should().BeNull("only ASCII bytes are read undecoded");
    }
}
