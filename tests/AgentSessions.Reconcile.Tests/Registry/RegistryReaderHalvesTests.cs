using System.Text;
using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>
/// A large ASCII registry is read in two halves at once; the halves are taken only when they are what
/// one read sees, and any other file (or error) is read whole, with the whole read's error.
/// </summary>
public sealed class RegistryReaderHalvesTests
{
    private static string Rows(int from, int count, string nl = "\n", int indent = 2) => string.Concat(Enumerable.Range(from, count).Select(i =>
        $"{new string(' ', indent)}- name: w-p{i:D3}-creator-claude{nl}{new string(' ', indent + 2)}status: archived{nl}{new string(' ', indent + 2)}created_at: 2026-01-01T00:00:00Z{nl}"));

    private static string Head(string nl = "\n") => $"# registry{nl}version: 1{nl}workspace: w{nl}sessions:{nl}";

    public static TheoryData<string> SameAsWhole => new()
    {
        Head() + Rows(0, 40),
        Head("\r\n") + Rows(0, 40, "\r\n"),
        "\uFEFF" + Head() + Rows(0, 40),
        "version: 1\nsessions:\n" + Rows(0, 40, indent: 0),
        Head() + Rows(0, 20) + "  # between\n\n  - name: multi\n    last_visible_note: a plain\n      scalar on two lines\n    pane:\n      pid: 7\n" + Rows(20, 20) + "# after\n",

        // Lines that start with a dash but are no row of the list, before the middle: the cut is after them.
        Head() + Rows(0, 5) + "  - name: block\n    last_visible_note: |\n      - name: not a row\n     \n" + Rows(5, 35),
        "version: 1\nsessions:\n" + Rows(0, 5) + "  - name: jobs\n    jobs:\n    - job_id: j1\n      status: running\n" + Rows(5, 35) + "...\n",
        "version: 1\nsessions:\n" + Rows(0, 5) + "  - name: jobs\n    jobs:\n    - job_id: j1\n      status: running\n" + Rows(5, 35),
        "version: 1\nsessions:\n" + Rows(0, 40) + "...\n",
    };

    [Theory]
    [MemberData(nameof(SameAsWhole))]
    public void ReadHalves_CutAtARow_SameSnapshotAsTheWholeRead(string text)
    {
        var file = Encoding.UTF8.GetBytes(text);
        var bom = text.StartsWith('\uFEFF') ? 3 : 0;

        var halves = RegistryReader.ReadHalves("t", file, bom, TestYaml.Limits);

        halves.Should().NotBeNull("the cut is at a row of a plain block list");
        ShouldBeSame(halves!, RegistryReader.ReadAscii("t", file, TestYaml.Limits, halvesFrom: int.MaxValue)!);
        ShouldBeSame(RegistryReader.ReadAscii("t", file, TestYaml.Limits, halvesFrom: 0)!, halves!);
    }

    [Theory]
    [InlineData("quote", "  - name: q\n    last_visible_note: \"quote\n  - name: fake\n  end\"\n")]
    [InlineData("{pid", "  - name: f\n    pane: {pid: 1,\n  - name: fake\n  }\n")]
    [InlineData("notes", "notes: |\n  - name: fake\n")]
    [InlineData("extra", "  - name: e\nextra: 1\n")]
    [InlineData("anchor", "  - &a\n    name: anchored\n  - name: x\n    pane: *a\n")]
    public void ReadHalves_CutThatIsNotARowOfTheList_ReadWhole(string marker, string middle)
    {
        var text = Head() + Rows(0, 10) + middle + Rows(10, 10);
        var file = Encoding.UTF8.GetBytes(text);

        RegistryReader.ReadHalves("t", file, 0, TestYaml.Limits, from: text.IndexOf(marker, StringComparison.Ordinal)).Should().BeNull();
        SameOutcome(file, TestYaml.Limits);
    }

    [Fact]
    public void ReadAscii_DuplicateNameAcrossTheHalves_TheWholeReadsError()
    {
        var file = Encoding.UTF8.GetBytes(Head() + Rows(0, 20) + Rows(5, 1));

        RegistryReader.ReadHalves("t", file, 0, TestYaml.Limits).Should().BeNull();
        var read = () => RegistryReader.ReadAscii("t", file, TestYaml.Limits, halvesFrom: 0);
        read.Should().Throw<RegistryException>().Which.Message.Should().Contain("duplicate session name 'w-p005-creator-claude'").And.Contain("t:65:");
    }

    [Fact]
    public void ReadAscii_TailNestedOneLevelTooDeep_RefusedAsTheWholeIs()
    {
        // Root mapping, list, row: depth 3; the pane's mapping in the tail makes 4, over the limit.
        var file = Encoding.UTF8.GetBytes(Head() + Rows(0, 20) + "  - name: deep\n    pane:\n      pid: 1\n");
        var limits = TestYaml.Limits with { MaxDepth = 3 };

        RegistryReader.ReadHalves("t", file, 0, limits).Should().BeNull();
        SameOutcome(file, limits);
        var read = () => RegistryReader.ReadAscii("t", file, limits, halvesFrom: 0);
        read.Should().Throw<RegistryException>().Which.Kind.Should().Be(RegistryErrorKind.TooLarge);
    }

    [Fact]
    public void ReadAscii_BadRowInTheTail_TheWholeReadsErrorAndPosition()
    {
        var file = Encoding.UTF8.GetBytes(Head() + Rows(0, 20) + "  - name: bad\n    status: sleepy\n" + Rows(20, 5));

        SameOutcome(file, TestYaml.Limits);
        var read = () => RegistryReader.ReadAscii("t", file, TestYaml.Limits, halvesFrom: 0);
        read.Should().Throw<RegistryException>().Which.Message.Should().Contain("t:66:").And.Contain("sessions[20].status");
    }

    [Fact]
    public async Task Store_RegistryOverAMebibyte_LoadsAndWritesOneRowOfTheSecondHalf()
    {
        using var ws = new TempWorkspace();
        var text = Head() + Rows(0, 12_000);
        text.Length.Should().BeGreaterThan(RegistryReader.HalvesFrom, "the store reads this file in halves");
        ws.Write(text);
        var store = ws.Store();

        var loaded = await store.LoadAsync();
        await store.UpdateAsync(r => r.Sessions[9_000].Status = SessionStatus.Stopped);

        loaded.Sessions.Should().HaveCount(12_000);
        loaded.Sessions[11_999].Name.Should().Be("w-p11999-creator-claude");
        var row = "  - name: w-p9000-creator-claude\n    status: ";
        ws.Read().Should().Be(text.Replace(row + "archived", row + "stopped", StringComparison.Ordinal));
        (await ws.Store().LoadAsync()).Sessions[9_000].Status.Should().Be(SessionStatus.Stopped);
    }

    private static void SameOutcome(byte[] file, YamlLimits limits)
    {
        var whole = Outcome(() => RegistryReader.ReadAscii("t", file, limits, halvesFrom: int.MaxValue)!);
        var halves = Outcome(() => RegistryReader.ReadAscii("t", file, limits, halvesFrom: 0)!);
        if (whole.Error is not null || halves.Error is not null)
        {
            halves.Error.Should().Be(whole.Error);
            return;
        }

        ShouldBeSame(halves.Snapshot!, whole.Snapshot!);
    }

    private static (RegistrySnapshot? Snapshot, string? Error) Outcome(Func<RegistrySnapshot> read)
    {
        try
        {
            return (read(), null);
        }
        catch (RegistryException ex)
        {
            return (null, ex.Message);
        }
    }

    private static void ShouldBeSame(RegistrySnapshot actual, RegistrySnapshot expected)
    {
        RegistryWriter.Matches(actual, expected.Copy()).Should().BeTrue();
        actual.Spans.Should().Equal(expected.Spans);
        (actual.Version, actual.Workspace, actual.SessionsEnd, actual.HasRoot, actual.UsesAnchors, actual.HasBom, actual.NewLine)
            .Should().Be((expected.Version, expected.Workspace, expected.SessionsEnd, expected.HasRoot, expected.UsesAnchors, expected.HasBom, expected.NewLine));
    }
}
