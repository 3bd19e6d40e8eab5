using System.Text;
using AgentSessions.Reconcile.Yaml;
using CsCheck;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>Generated registries full of unknown content survive a rewrite with the same values and order.</summary>
public sealed class RegistryRoundTripPropertyTests
{
    private static readonly string[] OddScalars =
    [
        "yes", "No", "0x1F", "0o17", "~", "null", "\"123\"", "'quoted'", "'it''s'", "\"ünïcødé 日本語 🎉\"", "plain words here",
        "\"tab\\there\"", "-12.5e3", "2026-01-01", "\"quoted: colon\"", "'# not a comment'", ".inf", "1_000", "true", "\"\"", "''",
        "ünï plain", "\"line\\nbreak\"", "/home/u/lab", "a-b_c.d", "+1", "\"  padded  \"", "!!str 42", "12:30:45",
    ];

    private static readonly string[] FlowScalars = [.. OddScalars.Where(s => !s.Contains('#') && !s.StartsWith("!!", StringComparison.Ordinal))];

    private static readonly string[] UnknownKeys = ["x-owner", "notes", "ünï_key", "\"quoted key\"", "k1", "k2", "meta", "'single key'", "tags", "n0"];

    private static readonly Gen<(int Rows, int Seed, bool Crlf)> Docs =
        Gen.Select(Gen.Int[0, 6], Gen.Int, Gen.Int[0, 4].Select(i => i == 0));

    [Fact]
    public void FullSave_GeneratedRegistries_KeepValuesAndOrder()
    {
        Docs.Sample(
            d =>
            {
                var text = Generate(d.Rows, d.Seed, d.Crlf);
                var yaml = TestYaml.Parse(text);
                TestYaml.Read(text);
                if (yaml.Root is null)
                {
                    return;
                }

                var emitted = Y.EmitWhole(yaml.Root);
                Y.Same(yaml.Root, TestYaml.Parse(emitted).Root).Should().BeTrue("saved:\n" + emitted + "\noriginal:\n" + text);
            },
            iter: 500);
    }

    [Fact]
    public void NoChange_GeneratedRegistries_NoEdits()
    {
        Docs.Sample(
            d =>
            {
                var text = Generate(d.Rows, d.Seed, d.Crlf);
                var edits = new RegistryEdits(TestYaml.Load(text));
                edits.Compare().Should().BeFalse();
                edits.Diff(TestYaml.Parse(text)).Should().BeEmpty();
            },
            iter: 500);
    }

    [Fact]
    public void MutateOneRow_GeneratedRegistries_ReloadsIntendedValuesAndOtherRowsByteIdentical()
    {
        Docs.Where(d => d.Rows > 0).Sample(
            d =>
            {
                var text = Generate(d.Rows, d.Seed, d.Crlf);
                var loaded = TestYaml.Load(text);
                var oldStarts = RowStarts(TestYaml.Parse(text));
                var target = Math.Abs(d.Seed % d.Rows);
                var row = loaded.Registry.Sessions[target];
                var written = TestYaml.Write(
                    loaded,
                    _ =>
                    {
                        row.Status = row.Status == SessionStatus.Terminated ? SessionStatus.Archived : SessionStatus.Terminated;
                        row.TerminatedAt = new DateTimeOffset(2026, 11, 21, 8, 30, 15, TimeSpan.Zero);
                        row.LastVisibleNote = "moved: by test #" + d.Seed;
                        row.Pane = new PaneInfo { Pid = 77, Cmd = "claude", Cwd = "/ü/x y" };
                        row.AgentIdentities["claude"] = new Dictionary<string, string?> { ["session_id"] = "87dc548e" };
                    },
                    out var spliced,
                    out var verified)!;
                spliced.Should().BeTrue(written);

                var again = TestYaml.Load(written).Registry.Sessions[target];
                again.Status.Should().Be(row.Status);
                again.TerminatedAt.Should().Be(row.TerminatedAt);
                again.LastVisibleNote.Should().Be(row.LastVisibleNote);
                again.Pane!.Cwd.Should().Be("/ü/x y");
                again.AgentIdentities["claude"]["session_id"].Should().Be("87dc548e");

                // Every other row, and everything before the first, is byte for byte what it was.
                var newStarts = RowStarts(TestYaml.Parse(written));
                verified.ShouldBeReadOf(written);
                written[..newStarts[0]].Should().Be(text[..oldStarts[0]]);
                for (var i = 0; i < d.Rows; i++)
                {
                    if (i != target)
                    {
                        written[newStarts[i]..newStarts[i + 1]].Should().Be(text[oldStarts[i]..oldStarts[i + 1]]);
                    }
                }
            },
            iter: 500);
    }

    [Fact]
    public void AnyChange_GeneratedRegistries_WritesAndReloadsExactlyTheChangedRegistry()
    {
        Gen.Select(Docs, Gen.Int[1, 6], Gen.Int).Sample(
            t =>
            {
                var (d, changes, seed) = t;
                var text = Generate(d.Rows, d.Seed, d.Crlf);
                var loaded = TestYaml.Load(text);
                var names = loaded.Registry.Sessions.Select(r => r.Name).ToList();
                var rnd = new Random(seed);
                var written = TestYaml.Write(loaded, r => Change(r, rnd, changes), out var spliced, out var verified);
                if (written is null)
                {
                    return;
                }

                // Whatever the change, what is written reads back as the changed registry: spliced or saved whole.
                var reloaded = TestYaml.Load(written).Registry;
                reloaded.Sessions.Select(RowFingerprint.Of).Should().Equal(loaded.Registry.Sessions.Select(RowFingerprint.Of), written);
                (reloaded.Version, reloaded.Workspace).Should().Be((loaded.Registry.Version, loaded.Registry.Workspace));
                verified.ShouldBeReadOf(written);
                // A splice keeps every comment line of the original text, unless it was inside a removed row.
                var comments = text.Split('\n').Where(l => l.TrimStart().StartsWith('#')).ToList();
                if (spliced && comments.Count > 0 && names.All(n => loaded.Registry.Find(n) is not null))
                {
                    written.Split('\n').Where(l => l.TrimStart().StartsWith('#')).Should().Contain(comments, written);
                }
            },
            iter: 400);
    }

    /// <summary>Random changes of every kind the typed model allows: values, nulls, panes, ids, jobs, rows added, removed and moved.</summary>
    private static void Change(Reconcile.Registry registry, Random rnd, int count)
    {
        for (var c = 0; c < count; c++)
        {
            var rows = registry.Sessions;
            var row = rows.Count == 0 ? null : rows[rnd.Next(rows.Count)];
            switch (row is null ? 0 : rnd.Next(13))
            {
                case 0: rows.Add(new SessionRow("new-" + rnd.Next(1_000_000)) { Agent = "claude", Status = SessionStatus.Running, Pane = new PaneInfo { Pid = 5, Cmd = "a: b" } }); break;
                case 1: rows.RemoveAt(rnd.Next(rows.Count)); break;
                case 2: rows.Insert(0, rows[^1]); rows.RemoveAt(rows.Count - 1); break;
                case 3: row!.Status = (SessionStatus)rnd.Next(4); break;
                case 4: row!.Agent = rnd.Next(2) == 0 ? null : "yes"; break;
                case 5: row!.LastVisibleNote = rnd.Next(2) == 0 ? "line\nbreak: # not a comment" : null; break;
                case 6: row!.Pane = rnd.Next(3) == 0 ? null : new PaneInfo { Pid = rnd.Next(1, 99), Cwd = "/x y" }; break;
                case 7: row!.AgentIdentities["claude"] = new Dictionary<string, string?> { ["session_id"] = "s" + rnd.Next(9), ["gone"] = null }; break;
                case 8: row!.AgentIdentities.Clear(); break;
                case 9: row!.Jobs.Add(new JobEntry("j-new-" + rnd.Next(1_000_000)) { Status = JobStatus.Running }); break;
                case 10: if (row!.Jobs.Count > 0) { row.Jobs[0].Status = JobStatus.Completed; } else { row.Jobs.Clear(); } break;
                case 11:
                    var copy = new SessionRow(row!.Name) { Status = row.Status, Agent = "copy" };
                    copy.Jobs.Add(new JobEntry(row.Jobs.FirstOrDefault()?.JobId ?? "j-copy") { Status = JobStatus.Error });
                    rows[rows.IndexOf(row)] = copy;
                    break;
                default: row!.TerminatedAt = new DateTimeOffset(2026, 11, 29, 4, 0, rnd.Next(60), TimeSpan.FromHours(rnd.Next(2))); break;
            }
        }

        registry.Workspace = rnd.Next(4) == 0 ? "lab-" + rnd.Next(3) : registry.Workspace;
    }

    /// <summary>Where each row starts, then the text's length.</summary>
    private static int[] RowStarts(YamlText yaml) =>
        [.. ((YamlSequenceNode)((YamlMappingNode)yaml.Root!)["sessions"]).Children.Select(r => (int)r.Start.Index), yaml.Text.Length];

    /// <summary>Writes a registry in block style with random unknown keys, odd scalars, nested maps and sequences, comments and literal blocks.</summary>
    internal static string Generate(int rows, int seed, bool crlf)
    {
        var rnd = new Random(seed);
        var sb = new StringBuilder();
        if (rnd.Next(2) == 0)
        {
            sb.Append("# registry ").Append(seed).Append('\n');
        }

        sb.Append("version: 1\n");
        if (rnd.Next(2) == 0)
        {
            sb.Append("workspace: lab\n");
        }

        Unknown(sb, rnd, 0, rnd.Next(3), 0);
        sb.Append("sessions:\n");
        if (rows == 0)
        {
            sb.Length -= 1;
            sb.Append(" []\n");
        }

        for (var r = 0; r < rows; r++)
        {
            if (rnd.Next(4) == 0)
            {
                sb.Append("  # row ").Append(r).Append('\n');
            }

            sb.Append("  - name: ").Append(rnd.Next(2) == 0 ? $"lab-r{r}-creator-claude" : $"\"lab-r{r} ünï\"").Append('\n');
            var fields = new List<string>
            {
                "agent: " + (rnd.Next(2) == 0 ? "claude" : "agy"),
                "status: " + new[] { "running", "stopped", "terminated", "archived", "\"running\"" }[rnd.Next(5)] + (rnd.Next(3) == 0 ? "   # why" : string.Empty),
                "created_at: 2026-11-20T10:0" + rnd.Next(10) + ":00Z",
                "terminated_at: " + (rnd.Next(2) == 0 ? "null" : "~"),
                "resumable: " + (rnd.Next(2) == 0 ? "true" : "false"),
                "claude_session_id_own: null",
            };
            if (rnd.Next(2) == 0)
            {
                fields.Add("pane: { pid: " + rnd.Next(1, 99999) + ", cmd: claude, cwd: /home/u/x, extra: " + FlowScalars[rnd.Next(FlowScalars.Length)] + " }");
            }

            if (rnd.Next(3) == 0)
            {
                fields.Add("jobs:\n      - job_id: j-" + r + "\n        auth_token: \"tok\"\n        status: running\n        custom: " + OddScalars[rnd.Next(OddScalars.Length)]);
            }

            fields = [.. fields.OrderBy(_ => rnd.Next())];
            foreach (var f in fields)
            {
                sb.Append("    ").Append(f).Append('\n');
            }

            Unknown(sb, rnd, 4, rnd.Next(4), 0);
        }

        if (rnd.Next(2) == 0)
        {
            sb.Append("trailer: ").Append(OddScalars[rnd.Next(OddScalars.Length)]).Append('\n');
        }

        var text = sb.ToString();
        return crlf ? text.Replace("\n", "\r\n") : text;
    }

    private static void Unknown(StringBuilder sb, Random rnd, int indent, int count, int depth)
    {
        var keys = UnknownKeys.OrderBy(_ => rnd.Next()).Take(count);
        foreach (var key in keys)
        {
            sb.Append(' ', indent).Append(key).Append(':');
            switch (depth < 2 ? rnd.Next(6) : 0)
            {
                case 0 or 1:
                    sb.Append(' ').Append(OddScalars[rnd.Next(OddScalars.Length)]).Append('\n');
                    break;
                case 2:
                    sb.Append('\n');
                    Unknown(sb, rnd, indent + 2, 1 + rnd.Next(3), depth + 1);
                    break;
                case 3:
                    sb.Append('\n');
                    for (var i = 0; i < 1 + rnd.Next(3); i++)
                    {
                        sb.Append(' ', indent + 2).Append("- ").Append(OddScalars[rnd.Next(OddScalars.Length)]).Append('\n');
                    }

                    break;
                case 4:
                    sb.Append(" { a: ").Append(FlowScalars[rnd.Next(FlowScalars.Length)]).Append(", b: [").Append(FlowScalars[rnd.Next(FlowScalars.Length)]).Append(", null] }\n");
                    break;
                default:
                    sb.Append(" |\n").Append(' ', indent + 2).Append("first line ünï\n").Append(' ', indent + 2).Append("  indented: second\n");
                    break;
            }
        }
    }
}
