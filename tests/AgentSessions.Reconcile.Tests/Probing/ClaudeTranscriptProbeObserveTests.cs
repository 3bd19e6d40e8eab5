using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>
/// The Claude probe's answer across passes on the real file system: a quiet pass answers last
/// pass's object and resolves no path, and everything that may change the answer is seen.
/// </summary>
public sealed class ClaudeTranscriptProbeObserveTests : IDisposable
{
    private static readonly DateTime OldWrite = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly TempFolder temp = new();
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string config;
    private readonly ClaudeTranscriptProbe probe;

    public ClaudeTranscriptProbeObserveTests()
    {
        config = temp.CreateDirectory("claude");
        probe = new ClaudeTranscriptProbe(
            ProbeSettings.From(new SessionProbeOptions { ClaudeConfigDirectory = config, HomeDirectory = temp.Path }, new FileSystem()), clock);
    }

    private string Projects => Path.Combine(config, "projects");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Observe_NothingChanged_AnswersLastPassesObjectAndResolvesNoPath()
    {
        var a = Cwd("a", "a1", "a2");
        var b = Cwd("b", "b1");
        Quieten();
        var first = Observe([a, b], ["a1", "gone"]);
        var resolutions = probe.RealPathResolutions;

        var second = Observe([b, a], ["gone", "a1"]);

        second.Should().BeSameAs(first);
        probe.RealPathResolutions.Should().Be(resolutions, "each real path is kept");
        second.In(a).Select(c => c.Id).Should().BeEquivalentTo(["a1", "a2"]);
        second.Presence("gone").Should().Be(ArtifactPresence.Missing);
    }

    [Fact]
    public void Observe_NewTranscriptInAQuietFolder_SeenOnTheNextPass()
    {
        var a = Cwd("a", "a1");
        Quieten();
        var first = Observe([a], ["a2"]);
        first.Presence("a2").Should().Be(ArtifactPresence.Missing);

        Write(a, "a2", new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc));
        var second = Observe([a], ["a2"]);

        second.Should().NotBeSameAs(first);
        second.In(a).Select(c => c.Id).Should().Equal("a2", "a1");
        second.Presence("a2").Should().Be(ArtifactPresence.Present);
    }

    [Fact]
    public void Observe_ProjectFolderRemoved_NoConversationsAndItsIdsMissing()
    {
        var a = Cwd("a", "a1");
        var b = Cwd("b", "b1");
        Quieten();
        Observe([a, b], ["a1", "b1"]).In(a).Should().ContainSingle();

        Directory.Delete(Folder(a), recursive: true);
        var after = Observe([a, b], ["a1", "b1"]);

        after.In(a).Should().BeEmpty();
        after.Presence("a1").Should().Be(ArtifactPresence.Missing);
        after.In(b).Select(c => c.Id).Should().Equal("b1");
        after.Presence("b1").Should().Be(ArtifactPresence.Present);
    }

    [Fact]
    public void Observe_OtherCwdsOrIds_AnswersWhatIsAsked()
    {
        var a = Cwd("a", "a1");
        var b = Cwd("b", "b1");
        Quieten();
        Observe([a, b], []).In(b).Should().ContainSingle();

        var fewer = Observe([a], []);
        var more = Observe([a], ["b1", "none"]);

        fewer.In(b).Should().BeEmpty("b was not asked");
        more.Should().NotBeSameAs(fewer);
        more.Presence("b1").Should().Be(ArtifactPresence.Present);
        more.Presence("none").Should().Be(ArtifactPresence.Missing);
        Observe([a, b], ["b1", "none"]).In(b).Select(c => c.Id).Should().Equal("b1");
    }

    [Fact]
    public void Observe_HeadTooShortThenComplete_SeenWithoutTheFolderChanging()
    {
        var a = Cwd("a");
        var path = Path.Combine(Folder(a), "young.jsonl");
        File.WriteAllText(path, "{\"type\":\"summary\"}\n");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Quieten();
        Observe([a], []).In(a).Should().BeEmpty();

        File.AppendAllText(path, Line(a, "young"));
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc));

        Observe([a], []).In(a).Select(c => c.Id).Should().Equal("young");
        Directory.GetLastWriteTimeUtc(Folder(a)).Should().Be(OldWrite, "the folder did not change");
    }

    [Fact]
    public void Observe_LinkedCwdRepointed_SeenOnceItsRealPathIsMaxListingAgeOld()
    {
        var link = temp.Combine("link");
        var realA = temp.CreateDirectory("real-a");
        var realB = temp.CreateDirectory("real-b");
        Write(realA, "a1", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), recorded: link);
        Write(realB, "b1", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), recorded: link);
        Directory.CreateSymbolicLink(link, realA);
        Quieten();
        Observe([link], []).In(link).Select(c => c.Id).Should().Equal("a1");

        File.Delete(link);
        Directory.CreateSymbolicLink(link, realB);
        clock.Advance(ClaudeTranscriptProbe.MaxListingAge - TimeSpan.FromSeconds(1));
        Observe([link], []).In(link).Select(c => c.Id).Should().Equal(["a1"], "the documented miss: the real path is kept");
        clock.Advance(TimeSpan.FromSeconds(1));

        Observe([link], []).In(link).Select(c => c.Id).Should().Equal("b1");
    }

    [Fact]
    public void Observe_TwoSpellingsOfOneCwd_OneListAsThePublicConstructorMakes()
    {
        var a = Cwd("a", "a1", "a2");
        Quieten();
        var result = probe.Probe(Request([a, a + "/"], []), CancellationToken.None);

        var answer = Observe([a, a + "/"], []);

        ClaudeDriftCheck.ShouldAnswerAs(answer, ClaudeDriftCheck.Reference(result), [a, a + "/"], []);
        answer.In(a).Should().HaveCount(4);
    }

    private static string Line(string cwd, string id) =>
        $"{{\"type\":\"user\",\"cwd\":{System.Text.Json.JsonSerializer.Serialize(cwd)},\"sessionId\":\"{id}\"}}\n";

    private static ArtifactRequest Request(IEnumerable<string> cwds, IEnumerable<string> ids)
    {
        var request = new ArtifactRequest();
        foreach (var c in cwds)
        {
            request.Cwds.Add(c);
        }

        foreach (var i in ids)
        {
            request.Ids.Add(i);
        }

        return request;
    }

    private AgentFiles Observe(IEnumerable<string> cwds, IEnumerable<string> ids) => probe.Observe(Request(cwds, ids), CancellationToken.None);

    private string Folder(string realCwd) => Directory.CreateDirectory(Path.Combine(Projects, ClaudeProjectKeyTests.SdkKey(realCwd))).FullName;

    /// <summary>A working directory with these transcripts, the first newest.</summary>
    private string Cwd(string name, params string[] ids)
    {
        var cwd = temp.CreateDirectory(name);
        Folder(cwd);
        for (var i = 0; i < ids.Length; i++)
        {
            Write(cwd, ids[i], new DateTime(2026, 1, 20 - i, 0, 0, 0, DateTimeKind.Utc));
        }

        return cwd;
    }

    private void Write(string realCwd, string id, DateTime lastWrite, string? recorded = null)
    {
        var path = Path.Combine(Folder(realCwd), id + ".jsonl");
        File.WriteAllText(path, Line(recorded ?? realCwd, id));
        File.SetLastWriteTimeUtc(path, lastWrite);
    }

    /// <summary>Every project folder unchanged since long before the clock: quiet passes keep their listings.</summary>
    private void Quieten()
    {
        foreach (var folder in new DirectoryInfo(Projects).EnumerateDirectories())
        {
            folder.LastWriteTimeUtc = OldWrite;
        }
    }
}
