using System.Text.RegularExpressions;
using AgentSessions.Reconcile.Yaml;
using CsCheck;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>
/// Row-by-row writes at larger sizes: whatever the change, the whole written file reloads to the
/// intended registry, the rows the change did not touch are byte for byte what they were, and what
/// the write verified (the store's cache for the next read) is exactly what a fresh read gives.
/// </summary>
public sealed partial class RegistryRowSpliceTests
{
    [Fact]
    public void AnyRowChange_LargerGeneratedRegistries_WholeFileReloadsToIntendedRegistry()
    {
        Gen.Select(Gen.Int[20, 120], Gen.Int, Gen.Int[1, 12], Gen.Int[0, 4].Select(i => i == 0)).Sample(
            t =>
            {
                var (rows, seed, changes, crlf) = t;
                var text = RegistryRoundTripPropertyTests.Generate(rows, seed, crlf);
                var loaded = TestYaml.Load(text);
                var rnd = new Random(seed);
                var touched = new HashSet<string>(StringComparer.Ordinal);
                var written = TestYaml.Write(loaded, r => ChangeRows(r, rnd, changes, touched), out var spliced, out var verified);
                if (written is null)
                {
                    return;
                }

                // The whole file, read afresh, is the changed registry; the cache is that read.
                var reloaded = TestYaml.Read(written);
                RegistryWriter.Matches(reloaded, loaded.Registry).Should().BeTrue(written);
                verified.ShouldBeReadOf(written);
                if (!spliced)
                {
                    return; // saved whole (a key removed from a flow mapping): no formatting kept, values checked above
                }

                // Every row the change did not touch is byte for byte what it was (the last rows aside: new rows go between them and the comments after them).
                var before = RowTexts(text);
                var after = RowTexts(written);
                foreach (var (name, rowText) in after.SkipLast(1))
                {
                    if (!touched.Contains(name) && before.TryGetValue(name, out var old) && name != before.Keys.Last())
                    {
                        rowText.Should().Be(old, name);
                    }
                }
            },
            iter: 150);
    }

    [Fact]
    public async Task UpdateAsync_ManyWritesThroughOneStore_EachReadMatchesAFreshStore()
    {
        using var ws = new TempWorkspace();
        ws.Write(RegistryRoundTripPropertyTests.Generate(40, 17, crlf: false));
        var store = ws.Store();
        var rnd = new Random(17);
        for (var step = 0; step < 40; step++)
        {
            var intended = (await store.UpdateAsync(r => { ChangeRows(r, rnd, 1 + rnd.Next(4), []); return 0; })).Registry;

            var cached = await store.LoadAsync();
            var fresh = await ws.Store().LoadAsync();
            cached.Sessions.Select(RowFingerprint.Of).Should().Equal(fresh.Sessions.Select(RowFingerprint.Of), ws.Read());
            fresh.Sessions.Select(RowFingerprint.Of).Should().Equal(intended.Sessions.Select(RowFingerprint.Of), ws.Read());
        }
    }

    [Fact]
    public async Task LoadAsync_Twice_HandsOutCopiesThatDoNotShareRows()
    {
        using var ws = new TempWorkspace();
        ws.Write("sessions:\n  - name: a\n    jobs:\n      - job_id: j1\n");
        var store = ws.Store();

        var first = await store.LoadAsync();
        first.Sessions[0].Status = SessionStatus.Archived;
        first.Sessions[0].Jobs[0].Status = JobStatus.Completed;
        var second = await store.LoadAsync();

        second.Sessions[0].Status.Should().BeNull();
        second.Sessions[0].Jobs[0].Status.Should().BeNull();
    }

    /// <summary>Changes that keep the rows in order: values, panes, ids, jobs, rows removed and appended.</summary>
    private static void ChangeRows(Reconcile.Registry registry, Random rnd, int count, HashSet<string> touched)
    {
        for (var c = 0; c < count; c++)
        {
            var rows = registry.Sessions;
            var row = rows.Count == 0 ? null : rows[rnd.Next(rows.Count)];
            if (row is not null)
            {
                touched.Add(row.Name);
            }

            switch (row is null ? 0 : rnd.Next(9))
            {
                case 0: rows.Add(new SessionRow("new-" + rnd.Next(1_000_000)) { Agent = "claude", Status = SessionStatus.Running, Pane = new PaneInfo { Pid = 5, Cmd = "a: b" } }); break;
                case 1: rows.Remove(row!); break;
                case 2: row!.Status = (SessionStatus)rnd.Next(4); break;
                case 3: row!.LastVisibleNote = rnd.Next(2) == 0 ? "line\nbreak: # not a comment" : null; break;
                case 4: row!.Pane = rnd.Next(3) == 0 ? null : new PaneInfo { Pid = rnd.Next(1, 99), Cwd = "/x y", Socket = "/tmp/tmux-0/default", Id = "%3" }; break;
                case 5: row!.AgentIdentities["claude"] = new Dictionary<string, string?> { ["session_id"] = "s" + rnd.Next(9) }; break;
                case 6: row!.Jobs.Add(new JobEntry("j-new-" + rnd.Next(1_000_000)) { Status = JobStatus.Running, LastSeq = 3 }); break;
                case 7: if (row!.Jobs.Count > 0) { row.Jobs[0].Status = JobStatus.Completed; row.Jobs[0].LastSeq = 9; } break;
                default: row!.TerminatedAt = new DateTimeOffset(2026, 11, 29, 4, 0, rnd.Next(60), TimeSpan.Zero); break;
            }
        }
    }

    /// <summary>Each row's text (its dash line to the next row's), by name.</summary>
    private static Dictionary<string, string> RowTexts(string text)
    {
        var seq = (YamlSequenceNode)((YamlMappingNode)TestYaml.Parse(text).Root!)["sessions"];
        var starts = seq.Children.Select(r => LineStart(text, (int)r.Start.Index)).Append(EndOfRows(text)).ToList();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            // Comment lines between rows stay where they were when a row near them goes: not part of a row here.
            var lines = text[starts[i]..starts[i + 1]].Split('\n').Where(l => !l.TrimStart().StartsWith('#'));
            result[((YamlScalarNode)((YamlMappingNode)seq.Children[i])["name"]).Value!] = string.Join('\n', lines);
        }

        return result;
    }

    private static int LineStart(string text, int index) => text.LastIndexOf('\n', index) + 1;

    /// <summary>Where the rows end: the first top-level key after <c>sessions:</c>, or the end.</summary>
    private static int EndOfRows(string text)
    {
        var after = TopLevelKey().Match(text, text.IndexOf("\nsessions:", StringComparison.Ordinal) + 1 + "sessions:".Length);
        return after.Success ? after.Index : text.Length;
    }

    [GeneratedRegex(@"(?m)^[^\s#-][^\n]*:")]
    private static partial Regex TopLevelKey();
}
