using System.Text;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Tests.Probing;

public sealed class TranscriptHeadTests
{
    private static TranscriptHead Parse(string text, bool endOfFile = true) =>
        TranscriptHead.Parse(Encoding.UTF8.GetBytes(text), endOfFile);

    [Fact]
    public void Parse_FirstLinesWithoutSessionId_TakesTheFirstThatCarryThem()
    {
        var head = Parse(
            "{\"type\":\"summary\",\"summary\":\"x\"}\n"
            + "{\"type\":\"file-history-snapshot\",\"snapshot\":{\"cwd\":\"/nested/ignored\",\"sessionId\":\"nested\"}}\n"
            + "{\"type\":\"permission-mode\",\"sessionId\":\"id-1\"}\n"
            + "{\"type\":\"user\",\"cwd\":\"/work/a\",\"sessionId\":\"id-2\"}\n");

        head.Should().Be(new TranscriptHead("/work/a", "id-1"));
    }

    [Fact]
    public void Parse_GarbageLines_Skipped()
    {
        var head = Parse("not json\n{\"cwd\":\"/bad\" oops\n\u0000\u0001\n[1,2]\n{\"cwd\":\"/good\",\"sessionId\":\"s\"}\n");

        head.Should().Be(new TranscriptHead("/good", "s"));
    }

    [Fact]
    public void Parse_HalfWrittenLastLine_NothingTakenFromIt()
    {
        var head = Parse("{\"type\":\"summary\"}\n{\"cwd\":\"/half\",\"sessionId\":\"s\",\"mess", endOfFile: true);

        head.Should().Be(new TranscriptHead(null, null));
    }

    [Fact]
    public void Parse_LineCutByTheHeadBound_ReadsAsFarAsItGoes()
    {
        var head = Parse("{\"cwd\":\"/long\",\"sessionId\":\"s\",\"message\":\"aaaaaaaaaaaaaaaaaaaa", endOfFile: false);

        head.Should().Be(new TranscriptHead("/long", "s"));
    }

    [Fact]
    public void Parse_Empty_Nothing()
    {
        Parse(string.Empty).Should().Be(new TranscriptHead(null, null));
    }

    [Fact]
    public void Parse_BomCrlfAndEscapes_Decoded()
    {
        var head = Parse("\uFEFF{\"cwd\":\"/a\\tb\\u00e9\",\"sessionId\":\"s\"}\r\n");

        head.Should().Be(new TranscriptHead("/a\tbé", "s"));
    }

    [Fact]
    public void Parse_NonStringValues_Ignored()
    {
        var head = Parse("{\"cwd\":null,\"sessionId\":42}\n{\"cwd\":\"/x\",\"sessionId\":\"y\"}\n");

        head.Should().Be(new TranscriptHead("/x", "y"));
    }
}
