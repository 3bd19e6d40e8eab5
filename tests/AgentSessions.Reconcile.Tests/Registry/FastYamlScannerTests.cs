using System.Globalization;
using System.Text;
using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>The fast scanner builds exactly the tree YamlDotNet's parser builds (values, styles, spans, lines, columns), or gives up.</summary>
public sealed class FastYamlScannerTests
{
    private static readonly YamlLimits Limits = new(64, 10_000);

    private static readonly string[] Subset =
    [
        "a: 1\n", "a: 1", "a: b\nc: d\n", "a:\n  b: 1\n  c: 2\nd: 3\n", "a:\n- x\n- y\nb: 1\n", "a:\n  - x\n  - y\n",
        "s:\n  - name: x\n    agent: y\n  - name: z\n", "a:\nb: 1\n", "a:\n", "a:   # c\n  b: 1\n",
        "a: 'x'\nb: \"y\"\nc: 'it''s'\n", "a: { p: 1, c: claude, d: /x/y z }\n", "a: [1, 2, [3, 4], {k: v}]\n", "a: {}\nb: []\n",
        "a: x # comment\nb: y#z\n", "# head\n\na: 1\n\n# mid\nb: 2   \n", "a: 1\r\nb:\r\n  c: 2\r\n", "key : v\n", "a: -1\nb: -x\n",
        "a: 2026-11-20T10:00:00Z\nb: http://x.y/z\n", "a: ünï 日本\n", "a:\n  - b: 1\n    c:\n      - d\n", "- a\n- b\n",
        "- a: 1\n  b: 2\n- c: 3\n", "a: \"\"\nb: ''\n", "a: [ ]\nb: { }\n", "a: [\"x\", 'y']\n", "a: b\n  # comment indented\nc: d\n",
        "a:\n  b:\n    c:\n      d: 1\n", "a: 1\n\n\n", "a:\n  - x\n\n  - y\n", "x: { a: 1 }   # trailing\n", "a: b:c\n", "a b: c d\n", "a: [a b, c]\n",
    ];

    private static readonly string[] Outside =
    [
        "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  text\n", "a: >\n  text\n", "a: multi\n  line\n", "a: \"esc\\n\"\n", "a:\tb\n",
        "%YAML 1.2\n---\na: 1\n", "---\na: 1\n", "? a\n: b\n", "a: [1,\n  2]\n", "\"quoted key\": 1\n", "  a: 1\n", "", "# only a comment\n",
        "a: \u0085\n", "a: b\rc: d\n",
    ];

    public static TheoryData<int> SubsetCases() => new(Enumerable.Range(0, Subset.Length));

    public static TheoryData<int> OutsideCases() => new(Enumerable.Range(0, Outside.Length));

    [Theory]
    [MemberData(nameof(SubsetCases))]
    public void TryParse_SubsetDocument_BuildsTheSameTreeAsYamlDotNet(int index)
    {
        var text = Subset[index];
        var fast = FastYamlScanner.TryParse("t", text, Limits);

        fast.Parsed.Should().BeTrue(text);
        Difference(RegistryYamlParser.ParseWithYamlDotNet("t", text, hasBom: false, Limits).Root, fast.Root).Should().BeNull(text);
    }

    [Theory]
    [MemberData(nameof(OutsideCases))]
    public void TryParse_ConstructOutsideTheSubset_GivesUp(int index) =>
        FastYamlScanner.TryParse("t", Outside[index], Limits).Parsed.Should().BeFalse(Outside[index]);

    [Fact]
    public void TryParse_LargeRegistry_BuildsTheSameTreeAsYamlDotNet()
    {
        foreach (var text in new[] { BigRegistry(200), BigRegistry(200).Replace("\n", "\r\n", StringComparison.Ordinal) })
        {
            var fast = FastYamlScanner.TryParse("t", text, Limits);
            fast.Parsed.Should().BeTrue();
            Difference(RegistryYamlParser.ParseWithYamlDotNet("t", text, hasBom: false, Limits).Root, fast.Root).Should().BeNull();
        }
    }

    [Fact]
    public void TryParse_DuplicateKey_GivesUpSoYamlDotNetReportsIt()
    {
        FastYamlScanner.TryParse("t", "a: 1\na: 2\n", Limits).Parsed.Should().BeFalse();
        var act = () => RegistryYamlParser.Parse("t", "a: 1\na: 2\n", hasBom: false, Limits);
        act.Should().Throw<RegistryException>().Which.Kind.Should().Be(RegistryErrorKind.DuplicateKey);
    }

    [Fact]
    public void TryParse_RandomlyMutatedDocuments_AgreeWithYamlDotNetOrGiveUp()
    {
        var rnd = new Random(20261120);
        var seeds = Subset.Append(BigRegistry(3)).ToArray();
        const string Alphabet = ": -#\n\"'{}[],x1\r~&*!|>?é";
        var fastCount = 0;
        for (var it = 0; it < 20_000; it++)
        {
            var chars = new List<char>(seeds[rnd.Next(seeds.Length)]);
            for (var e = 0; e < 1 + rnd.Next(3) && chars.Count > 0; e++)
            {
                var at = rnd.Next(chars.Count);
                switch (rnd.Next(3))
                {
                    case 0: chars.RemoveAt(at); break;
                    case 1: chars.Insert(at, Alphabet[rnd.Next(Alphabet.Length)]); break;
                    default: chars[at] = Alphabet[rnd.Next(Alphabet.Length)]; break;
                }
            }

            var text = new string([.. chars]);
            var fast = FastYamlScanner.TryParse("t", text, Limits);
            if (!fast.Parsed)
            {
                continue;
            }

            fastCount++;
            YDocument full;
            try
            {
                full = RegistryYamlParser.ParseWithYamlDotNet("t", text, hasBom: false, Limits);
            }
            catch (RegistryException ex)
            {
                throw new InvalidOperationException($"the fast scanner accepted text YamlDotNet rejects ({ex.Message}):\n{text}", ex);
            }

            Difference(full.Root, fast.Root).Should().BeNull(text);
        }

        fastCount.Should().BeGreaterThan(2_000, "the mutations must exercise the fast path");
    }

    [Fact]
    public void TryParse_GeneratedRegistries_AgreeWithYamlDotNetWhenParsed()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var text = RegistryRoundTripPropertyTests.Generate(seed % 6, seed, crlf: seed % 5 == 0);
            var fast = FastYamlScanner.TryParse("t", text, Limits);
            if (fast.Parsed)
            {
                Difference(RegistryYamlParser.ParseWithYamlDotNet("t", text, hasBom: false, Limits).Root, fast.Root).Should().BeNull(text);
            }
        }
    }

    internal static string BigRegistry(int rows)
    {
        var sb = new StringBuilder("# registry\nversion: 1\nworkspace: lab\nsessions:\n");
        for (var i = 0; i < rows; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  - name: lab-project{i}-creator-claude\n    agent: claude\n    status: running\n    last_visible_note: auto-registered # note\n")
              .Append(CultureInfo.InvariantCulture, $"    created_at: 2026-11-20T10:00:00Z\n    terminated_at: null\n    resumable: true\n    pane: {{ pid: {100000 + i}, cmd: claude, cwd: /home/u/lab/p{i} }}\n")
              .Append(CultureInfo.InvariantCulture, $"    agent_identities:\n      claude: {{ session_id: 87dc548e-{i:D4} }}\n    jobs:\n      - job_id: j-{i}\n        auth_token: \"secret-{i}\"\n        status: running\n    x-custom: 'keep me'\n\n");
        }

        return sb.ToString();
    }

    /// <summary>Describes the first difference between two trees (kind, span, line, column, tag, anchor, style, value), or null.</summary>
    internal static string? Difference(YNode? a, YNode? b, string at = "$")
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? null : at + ": one is null";
        }

        static string Head(YNode n) => string.Create(CultureInfo.InvariantCulture, $"{n.GetType().Name} {n.Start}..{n.End} {n.Line}:{n.Column} tag={n.Tag} anchor={n.Anchor} alias={n.ViaAlias}");
        if (Head(a) != Head(b))
        {
            return $"{at}: {Head(a)} vs {Head(b)}";
        }

        switch (a, b)
        {
            case (YScalar x, YScalar y):
                return x.Value == y.Value && x.Style == y.Style ? null : $"{at}: '{x.Value}' {x.Style} vs '{y.Value}' {y.Style}";
            case (YMap x, YMap y):
                if (x.Flow != y.Flow || x.Entries.Count != y.Entries.Count)
                {
                    return at + ": mapping style or size differs";
                }

                for (var i = 0; i < x.Entries.Count; i++)
                {
                    var d = Difference(x.Entries[i].Key, y.Entries[i].Key, at + ".key" + i) ?? Difference(x.Entries[i].Value, y.Entries[i].Value, at + "." + x.Entries[i].Key.Value);
                    if (d is not null)
                    {
                        return d;
                    }
                }

                return null;
            case (YSeq x, YSeq y):
                if (x.Flow != y.Flow || x.Items.Count != y.Items.Count)
                {
                    return at + ": sequence style or size differs";
                }

                for (var i = 0; i < x.Items.Count; i++)
                {
                    var d = Difference(x.Items[i], y.Items[i], string.Create(CultureInfo.InvariantCulture, $"{at}[{i}]"));
                    if (d is not null)
                    {
                        return d;
                    }
                }

                return null;
            default:
                return at + ": kinds differ";
        }
    }
}
