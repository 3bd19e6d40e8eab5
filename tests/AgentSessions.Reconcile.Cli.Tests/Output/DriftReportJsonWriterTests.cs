using System.Text;
using System.Text.Json;
using AgentSessions.Reconcile.Cli.Output;
using AgentSessions.Reconcile.Cli.Tests.TestSupport;

namespace AgentSessions.Reconcile.Cli.Tests.Output;

public sealed class DriftReportJsonWriterTests
{
    private static readonly ReportContext Context = new("/home/u/lab", "/home/u/lab/.hermes/agent-sessions.yaml");

    private static string Json(DriftReport report) => Encoding.UTF8.GetString(DriftReportJsonWriter.ToUtf8(report, Context));

    [Fact]
    public void WriteTo_ThousandsOfDrifts_SameTextAsToUtf8()
    {
        // Many pieces, and characters of two, three and four UTF-8 bytes falling across the pieces' edges.
        var drifts = Enumerable.Range(0, 3000).Select(i => new Drift(DriftClass.StaleId, $"lab-ü{i}-creator-claude", $"lab-ü{i}: transcript € is gone 🙂 \"quoted\" \u0001.")
        {
            Field = "claude_session_id_own", Before = "87dc548e", Applied = false, Key = new DriftKey(DriftClass.StaleId, $"lab-ü{i}-creator-claude", "claude_session_id_own"),
        }).ToArray();
        var report = Some.Report(drifts);
        using var output = new StringWriter();

        DriftReportJsonWriter.WriteTo(output, report, Context);

        output.ToString().Should().Be(Json(report));
        output.ToString().Length.Should().BeGreaterThan(3 * 32 * 1024, "the report is written in several pieces");
    }

    [Fact]
    public void ToUtf8_EveryDriftClass_ValidatesAgainstSchema()
    {
        var report = Some.Report(
            Some.TmuxGone(),
            Some.Registered(),
            new Drift(DriftClass.IdMaterialized, "lab-a-creator-claude", "lab-a-creator-claude: session id materialized b3a7.")
            { Field = "claude_session_id_own", Before = null, After = "b3a7", Applied = true, Key = new DriftKey(DriftClass.IdMaterialized, "lab-a-creator-claude", "claude_session_id_own") },
            Some.Stale(),
            new Drift(DriftClass.EndStateAlive, "lab-b-creator-claude", "lab-b-creator-claude: stopped but tmux still alive."));

        var json = Json(report);

        DriftReportSchema.Validate(json).Should().BeEmpty();
        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("drifts").EnumerateArray().Select(d => d.GetProperty("class").GetString())
            .Should().Equal("A", "B", "C", "D", "E");
    }

    [Fact]
    public void ToUtf8_EmptyReportWithUnknownTmux_ValidatesAndCarriesReason()
    {
        var report = new DriftReport("lab", Some.At, dryRun: true, []) { TmuxKnown = false, TmuxUnknownReason = "tmux is not installed" };

        var json = Json(report);

        DriftReportSchema.Validate(json).Should().BeEmpty();
        json.Should().Contain("\"tmux\":{\"known\":false,\"reason\":\"tmux is not installed\",\"socket\":null}");
        json.Should().Contain("\"dry_run\":true");
        json.Should().Contain("\"drifts\":[]");
    }

    [Fact]
    public void ToUtf8_Report_StableKeyOrderAndExactText()
    {
        var json = Json(Some.Report(Some.TmuxGone()));

        json.Should().Be(
            "{\"version\":1,\"workspace\":\"lab\",\"workspace_root\":\"/home/u/lab\","
            + "\"registry\":\"/home/u/lab/.hermes/agent-sessions.yaml\",\"at\":\"2026-11-20T10:05:00Z\","
            + "\"dry_run\":false,\"registry_written\":true,\"tmux\":{\"known\":true,\"reason\":null,\"socket\":null},\"notes\":[],"
            + "\"counts\":{\"drifts\":1,\"coalesced\":1,\"applied\":1,\"sessions\":3,\"running\":2},"
            + "\"drifts\":[{\"class\":\"A\",\"session\":\"lab-landing-page-creator-claude\","
            + "\"message\":\"lab-landing-page-creator-claude: tmux gone (was pane 201132, cmd claude). Marked terminated.\","
            + "\"field\":\"status\",\"before\":\"running\",\"after\":\"terminated\",\"applied\":true,"
            + "\"key\":\"A:lab-landing-page-creator-claude\"}],\"events\":[]}");
    }

    [Fact]
    public void ToUtf8_SocketAndNotes_WrittenAndValid()
    {
        var report = new DriftReport("lab", Some.At, false, [])
        {
            TmuxSocket = "/tmp/tmux-1000/typo",
            Notes = ["tmux: no server answers on /tmp/tmux-1000/typo, but … (wrong socket?)"],
        };

        using var doc = JsonDocument.Parse(Json(report));

        doc.RootElement.GetProperty("tmux").GetProperty("socket").GetString().Should().Be("/tmp/tmux-1000/typo");
        doc.RootElement.GetProperty("notes")[0].GetString().Should().Contain("wrong socket?");
    }

    [Fact]
    public void ToUtf8_JobEvents_ListedInOrderWithTheirFields()
    {
        var report = new DriftReport("lab", new DateTimeOffset(2026, 11, 20, 10, 5, 0, TimeSpan.Zero), dryRun: false, [])
        {
            Events = [new ReconcileJobEvent("j-42", "lab-landing-page-creator-claude", "completed", 7)],
        };

        var json = Json(report);

        json.Should().EndWith("\"drifts\":[],\"events\":[{\"job_id\":\"j-42\",\"session\":\"lab-landing-page-creator-claude\",\"type\":\"completed\",\"seq\":7}]}");
    }

    [Fact]
    public void ToUtf8_DroppedCounts_LastInOrdinalOrderAndValid()
    {
        var report = new DriftReport("lab", Some.At, dryRun: false, []);
        var context = Context with { Dropped = new Dictionary<string, long> { ["stale"] = 1, ["bad-signature"] = 3, ["not-json"] = 2 } };

        var json = Encoding.UTF8.GetString(DriftReportJsonWriter.ToUtf8(report, context));

        DriftReportSchema.Validate(json).Should().BeEmpty();
        json.Should().EndWith("\"events\":[],\"dropped\":{\"bad-signature\":3,\"not-json\":2,\"stale\":1}}");
        Json(report).Should().NotContain("dropped", "only --subscribe reports carry the drop counts");
    }

    [Fact]
    public void ToUtf8_DriftWithoutField_OmitsFieldBeforeAfter()
    {
        using var doc = JsonDocument.Parse(Json(Some.Report(Some.Registered())));
        var drift = doc.RootElement.GetProperty("drifts")[0];

        drift.EnumerateObject().Select(p => p.Name).Should().Equal("class", "session", "message", "applied", "key");
    }

    [Fact]
    public void ToUtf8_StaleId_KeepsNullAfter()
    {
        using var doc = JsonDocument.Parse(Json(Some.Report(Some.Stale())));
        var drift = doc.RootElement.GetProperty("drifts")[0];

        drift.GetProperty("after").ValueKind.Should().Be(JsonValueKind.Null);
        drift.GetProperty("applied").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public void ToUtf8_NonAscii_WrittenUnescaped()
    {
        const string Name = "lab-café-日本-creator-claude";
        var drift = new Drift(DriftClass.Unregistered, Name, "세션 🚀 registered — “quoted”") ;

        var bytes = DriftReportJsonWriter.ToUtf8(Some.Report(drift), Context);
        var json = Encoding.UTF8.GetString(bytes);

        json.Should().Contain("\"session\":\"lab-café-日本-creator-claude\"");
        json.Should().Contain("\"message\":\"세션 🚀 registered — “quoted”\"");
        json.Should().NotContain("\\u");
        using var doc = JsonDocument.Parse(bytes);
        doc.RootElement.GetProperty("drifts")[0].GetProperty("message").GetString().Should().Be("세션 🚀 registered — “quoted”");
    }

    [Fact]
    public void ToUtf8_ControlCharactersQuotesAndBackslash_EscapedAndRoundTrip()
    {
        const string Message = "tab\there \"q\" back\\slash nl\n esc\u001b bell\u0007 del\u007f";
        var drift = new Drift(DriftClass.StaleId, "s", Message) ;

        var json = Json(Some.Report(drift));

        json.Should().Contain("tab\\there \\\"q\\\" back\\\\slash nl\\n esc\\u001b bell\\u0007 del\\u007f");
        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("drifts")[0].GetProperty("message").GetString().Should().Be(Message);
    }

    [Fact]
    public void ToUtf8_LoneSurrogate_ReplacedNotThrown()
    {
        var drift = new Drift(DriftClass.StaleId, "s", "bad \ud800 end") ;

        using var doc = JsonDocument.Parse(Json(Some.Report(drift)));

        doc.RootElement.GetProperty("drifts")[0].GetProperty("message").GetString().Should().Be("bad \uFFFD end");
    }

    [Fact]
    public void ToUtf8_SpecialCharactersAtEdgesOfPlainRuns_ExactText()
    {
        // In code, not [InlineData]: the test runner's serialization would mangle lone surrogates.
        (string Message, string Quoted)[] cases =
        [
            ("\"", "\\\""),
            ("\ud83d\ude80", "\ud83d\ude80"),
            ("a\ud83d\ude80", "a\ud83d\ude80"),
            ("\ud83d", "\uFFFD"),
            ("a\ud83d", "a\uFFFD"),
            ("\ude80b", "\uFFFDb"),
            ("\ud83d\ud83d\ude80", "\uFFFD\ud83d\ude80"),
            ("x\u0000y\\", "x\\u0000y\\\\"),
            ("plain run é € 🙂 then \"q\" and \u001f", "plain run é € 🙂 then \\\"q\\\" and \\u001f"),
        ];

        foreach (var (message, quoted) in cases)
        {
            Json(Some.Report(new Drift(DriftClass.StaleId, "s", message))).Should().Contain("\"message\":\"" + quoted + "\"", message);
        }
    }

    [Fact]
    public void ToUtf8_Keys_WrittenAsTheKeysSpellThem()
    {
        DriftKey[] keys =
        [
            new(DriftClass.StaleId, "lab-a-creator-claude", "claude_session_id_own"),
            new(DriftClass.Unregistered, "lab-ü \"q\" 🙂\u0001"),
            new(DriftClass.TmuxGone, "s", string.Empty),
        ];
        var report = Some.Report([.. keys.Select(k => new Drift(k.Class, k.Session, "m") { Key = k })]);

        using var doc = JsonDocument.Parse(Json(report));

        doc.RootElement.GetProperty("drifts").EnumerateArray().Select(d => d.GetProperty("key").GetString()).Should().Equal(keys.Select(k => k.ToString()));
    }

    [Fact]
    public void ToUtf8_OffsetTime_WrittenAsUtcWholeSeconds()
    {
        var report = new DriftReport("lab", new DateTimeOffset(2026, 11, 20, 12, 0, 0, 999, TimeSpan.FromHours(2)), false, []);

        Json(report).Should().Contain("\"at\":\"2026-11-20T10:00:00Z\"");
    }

    [Fact]
    public void SchemaValidator_ReportMissingKeyOrWrongClass_Rejected()
    {
        var json = Json(Some.Report(Some.TmuxGone()));

        DriftReportSchema.Validate(json.Replace("\"class\":\"A\"", "\"class\":\"Z\"", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().StartWith("/drifts/0/class: enum");
        DriftReportSchema.Validate(json.Replace("\"dry_run\":false,", string.Empty, StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().StartWith(": required").And.Contain("dry_run");
        DriftReportSchema.Validate(json.Replace("\"field\":\"status\",\"before\":\"running\",", "\"field\":\"status\",", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().StartWith("/drifts/0: dependentRequired").And.Contain("before");
        DriftReportSchema.Validate(json.Replace("{\"version\":1,", "{\"version\":1,\"extra\":0,", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().StartWith("/extra: ");
    }
}
