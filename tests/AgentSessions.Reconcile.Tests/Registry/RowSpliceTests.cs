using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>Which changes are written row by row (only the changed rows parsed again) and which go through the whole file.</summary>
public sealed class RowSpliceTests
{
    private const string Text = """
        # lab
        version: 1
        sessions:
          - name: a
            status: running   # kept
          # about b
          - name: b
            status: stopped
            pane: { pid: 1, cmd: claude }
          - name: c
            status: running
        # trailing
        x-owner: me

        """;

    [Fact]
    public void TryWrite_OneRowChanged_OnlyThatRowsBytesChange()
    {
        var (written, ok) = Splice(Text, r => r.Sessions[1].Pane!.Pid = 42);

        ok.Should().BeTrue();
        written.Should().Be(Text.Replace("pid: 1,", "pid: 42,", StringComparison.Ordinal));
    }

    [Fact]
    public void TryWrite_RowRemovedAndRowAppended_CommentsStayAndNewRowFollowsTheLastRow()
    {
        var (written, ok) = Splice(Text, r =>
        {
            r.Sessions.RemoveAt(0);
            r.Sessions.Add(new SessionRow("d") { Status = SessionStatus.Running });
        });

        ok.Should().BeTrue();
        written.Should().Be("""
            # lab
            version: 1
            sessions:
              # about b
              - name: b
                status: stopped
                pane: { pid: 1, cmd: claude }
              - name: c
                status: running
              - name: d
                status: running
            # trailing
            x-owner: me

            """);
    }

    [Theory]
    [InlineData("reorder")]
    [InlineData("workspace")]
    public void TryWrite_ChangeOutsideTheRowsOrOutOfOrder_GoesThroughTheWholeFile(string change)
    {
        var (_, ok) = Splice(Text, r =>
        {
            if (change == "reorder")
            {
                (r.Sessions[0], r.Sessions[2]) = (r.Sessions[2], r.Sessions[0]);
            }
            else
            {
                r.Workspace = "lab";
            }
        });

        ok.Should().BeFalse();
    }

    [Fact]
    public void TryWrite_FileWithAnchors_GoesThroughTheWholeFile()
    {
        var (_, ok) = Splice("x: &n running\nsessions:\n  - name: a\n    status: *n\n", r => r.Sessions[0].LastVisibleNote = "n");

        ok.Should().BeFalse();
    }

    private static (string? Text, bool Ok) Splice(string text, Action<Reconcile.Registry> change)
    {
        var loaded = TestYaml.Load(text);
        var edits = new RegistryEdits(loaded);
        change(loaded.Registry);
        edits.Compare().Should().BeTrue();
        var ok = RowSplice.TryWrite(loaded, edits, TestYaml.Limits, tamper: null, out var file, out var verified);
        var written = file is null ? null : System.Text.Encoding.UTF8.GetString(file);
        if (ok)
        {
            verified.ShouldBeReadOf(written!);
        }

        return (written, ok);
    }
}
