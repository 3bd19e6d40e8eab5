using System.IO.Abstractions;
using System.IO.Abstractions.TestingHelpers;
using System.Text;
using AgentSessions.Reconcile.Probing;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>
/// Claude transcript fixtures on the real file system, run three times: through the direct listing
/// the probe uses for the real <see cref="FileSystem"/>, through the <see cref="IFileSystem"/>
/// abstraction it uses for any other file system, and as quiet passes (the first probe of each
/// fixture answered from the last listing of folders whose mtime did not change).
/// </summary>
public abstract class ClaudeTranscriptProbeContract : IDisposable
{
    /// <summary>The project folders' mtime in the quiet tests: long before <see cref="QuietNow"/>.</summary>
    private protected static readonly DateTime OldFolderWrite = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The clock in the quiet tests: after the aged folders, before any folder a test writes.</summary>
    private protected static readonly DateTimeOffset QuietNow = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>How many passes <see cref="Run"/> makes.</summary>
    private const int PassesPerRun = 3;

    private readonly TempFolder temp = new();
    private readonly string config;
    private readonly HashSet<ClaudeTranscriptProbe> warmed = [];

    protected ClaudeTranscriptProbeContract()
    {
        config = temp.CreateDirectory("claude");
    }

    public void Dispose()
    {
        temp.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Gets the file system the probe reads (the real files either way).</summary>
    protected abstract IFileSystem CreateFileSystem();

    /// <summary>Gets a value indicating whether each probe's first answer comes from a quiet pass.</summary>
    private protected virtual bool Quiet => false;

    /// <summary>Gets or sets a value indicating whether the clock moves by <see cref="ClaudeTranscriptProbe.MaxListingAge"/> before a probe's later passes.</summary>
    private protected bool ExpireBeforeLaterPasses { get; set; }

    /// <summary>
    /// Gets the probes' clock. It starts before any folder's mtime, so every pass lists every folder
    /// (each folder looks changed within the tick of its listing) until <see cref="Quieten"/>.
    /// </summary>
    private protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private protected TempFolder Temp => temp;

    private protected string Projects => Path.Combine(config, "projects");

    private protected ClaudeTranscriptProbe CreateProbe(int headBytes = 65536) =>
        new(
            ProbeSettings.From(
                new SessionProbeOptions { ClaudeConfigDirectory = config, HomeDirectory = temp.Path, TranscriptHeadBytes = headBytes },
                CreateFileSystem()),
            Clock);

    /// <summary>
    /// Sets every project folder's mtime (not a link's) to <see cref="OldFolderWrite"/> and the clock
    /// to <see cref="QuietNow"/>: the folders have been quiet since long before the next listing.
    /// </summary>
    private protected void Quieten()
    {
        if (Clock.GetUtcNow() < QuietNow)
        {
            Clock.SetUtcNow(QuietNow);
        }

        foreach (var folder in new DirectoryInfo(Projects).EnumerateDirectories())
        {
            if (folder.LinkTarget is null)
            {
                folder.LastWriteTimeUtc = OldFolderWrite;
            }
        }
    }

    /// <summary>
    /// One pass. In the quiet run, a probe's first pass is made twice: once to list, then, with
    /// every folder quiet, again from that listing (no folder listed again), and the second answers.
    /// </summary>
    private protected ClaudeProbeResult Probe(ClaudeTranscriptProbe probe, IEnumerable<string>? cwds = null, IEnumerable<string>? ids = null)
    {
        if (Quiet && warmed.Add(probe) && Directory.Exists(Projects))
        {
            Quieten();
            Run(probe, cwds, ids);
            var listings = probe.FolderListings;
            var quiet = Run(probe, cwds, ids);
            probe.FolderListings.Should().Be(listings + (PassesPerRun * LinkedFolders()), "a quiet pass lists only linked folders again");
            return quiet;
        }

        if (ExpireBeforeLaterPasses)
        {
            Clock.Advance(ClaudeTranscriptProbe.MaxListingAge);
        }

        return Run(probe, cwds, ids);
    }

    /// <summary>
    /// One pass as the fixture sees it, made three times: <see cref="ClaudeTranscriptProbe.Observe"/>,
    /// <see cref="ClaudeTranscriptProbe.Probe"/> (the listing the fixture checks), and Observe again
    /// (nothing changed: a quiet pass's reused answer). Both answers must be the one built from the
    /// listing as before answers were reused, and give rules C and D the same drift.
    /// </summary>
    private static ClaudeProbeResult Run(ClaudeTranscriptProbe probe, IEnumerable<string>? cwds, IEnumerable<string>? ids)
    {
        var request = new ArtifactRequest();
        foreach (var c in cwds ?? [])
        {
            request.Cwds.Add(c);
        }

        foreach (var i in ids ?? [])
        {
            request.Ids.Add(i);
        }

        var first = probe.Observe(request, CancellationToken.None);
        var result = probe.Probe(request, CancellationToken.None);
        var again = probe.Observe(request, CancellationToken.None);
        var expected = ClaudeDriftCheck.Reference(result);
        ClaudeDriftCheck.ShouldAnswerAs(first, expected, [.. request.Cwds], [.. request.Ids]);
        ClaudeDriftCheck.ShouldAnswerAs(again, expected, [.. request.Cwds], [.. request.Ids]);
        return result;
    }

    private int LinkedFolders() => new DirectoryInfo(Projects).EnumerateDirectories().Count(d => d.LinkTarget is not null);

    private protected string Folder(string cwd) => Directory.CreateDirectory(Path.Combine(Projects, ClaudeProjectKeyTests.SdkKey(cwd))).FullName;

    protected static string Line(string? cwd, string? sessionId, string type = "user")
    {
        var parts = new List<string> { $"\"type\":\"{type}\"" };
        if (sessionId is not null)
        {
            parts.Add($"\"sessionId\":\"{sessionId}\"");
        }

        if (cwd is not null)
        {
            parts.Add($"\"cwd\":{System.Text.Json.JsonSerializer.Serialize(cwd)}");
        }

        return "{" + string.Join(',', parts) + "}\n";
    }

    private protected static string Write(string folder, string id, string content, DateTime? lastWriteUtc = null)
    {
        var path = Path.Combine(folder, id + ".jsonl");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        File.SetLastWriteTimeUtc(path, lastWriteUtc ?? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        return path;
    }

    [Fact]
    public void Probe_NoProjectsFolder_MissingAndEmpty()
    {
        var cwd = temp.CreateDirectory("work");

        var result = Probe(CreateProbe(), [cwd], ["abc"]);

        result.TranscriptsByCwd[cwd].Should().Be(new ClaudeProjectListing(ArtifactPresence.Missing, result.TranscriptsByCwd[cwd].Transcripts));
        result.TranscriptsByCwd[cwd].Transcripts.Should().BeEmpty();
        result.SessionPresence["abc"].Should().Be(ArtifactPresence.Missing);
    }

    [Fact]
    public void Probe_NoFolderForThisCwd_Missing()
    {
        Directory.CreateDirectory(Projects);
        var cwd = temp.CreateDirectory("work");

        Probe(CreateProbe(), [cwd]).TranscriptsByCwd[cwd].Presence.Should().Be(ArtifactPresence.Missing);
    }

    [Fact]
    public void Probe_FolderWithTranscripts_ConfirmedByRecordedCwdNewestFirst()
    {
        var cwd = temp.CreateDirectory("a-b");
        var collision = temp.CreateDirectory("a", "b");
        ClaudeProjectKeyTests.SdkKey(cwd).Should().Be(ClaudeProjectKeyTests.SdkKey(collision), "the key is not invertible");
        var folder = Folder(cwd);
        Write(folder, "old", Line(null, null, "summary") + Line(cwd, "old"), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Write(folder, "new", Line(null, "new", "permission-mode") + Line(cwd, "new"), new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc));
        Write(folder, "other", Line(collision, "other"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not a transcript");

        var listing = Probe(CreateProbe(), [cwd], null).TranscriptsByCwd[cwd];
        var listingOfCollision = Probe(CreateProbe(), [collision], null).TranscriptsByCwd[collision];

        listing.Presence.Should().Be(ArtifactPresence.Present);
        listing.Transcripts.Select(t => t.SessionId).Should().Equal("new", "old");
        listing.Transcripts[0].Should().Be(new ClaudeTranscript(
            "new", Path.Combine(folder, "new.jsonl"), new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), cwd, "new"));
        listingOfCollision.Transcripts.Select(t => t.SessionId).Should().Equal("other");
    }

    [Fact]
    public void Probe_TranscriptsWithoutRecordedCwd_IncludedWithNull()
    {
        var cwd = temp.CreateDirectory("work");
        var folder = Folder(cwd);
        Write(folder, "empty", string.Empty);
        Write(folder, "garbage", "\u0000garbage\n{not json}\n");
        Write(folder, "nosession", Line(null, null, "summary"));
        Write(folder, "half", Line(null, "half", "queue-operation") + "{\"type\":\"user\",\"cwd\":\"" + cwd);

        var transcripts = Probe(CreateProbe(), [cwd]).TranscriptsByCwd[cwd].Transcripts;

        transcripts.Select(t => t.SessionId).Should().BeEquivalentTo(["empty", "garbage", "nosession", "half"]);
        transcripts.Should().OnlyContain(t => t.RecordedCwd == null);
        transcripts.Single(t => t.SessionId == "half").RecordedSessionId.Should().Be("half");
    }

    [Fact]
    public void Probe_OneGigabyteSingleLine_ReadsOnlyTheBoundedHead()
    {
        var cwd = temp.CreateDirectory("work");
        var folder = Folder(cwd);
        var path = Path.Combine(folder, "huge.jsonl");
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            var start = Encoding.UTF8.GetBytes("{\"type\":\"user\",\"cwd\":" + System.Text.Json.JsonSerializer.Serialize(cwd) + ",\"sessionId\":\"huge\",\"message\":\"");
            stream.Write(start);
            stream.Write(Encoding.UTF8.GetBytes(new string('x', 100_000)));
            stream.SetLength(1L << 30); // sparse: no newline anywhere in the first gigabyte
        }

        var transcript = Probe(CreateProbe(), [cwd]).TranscriptsByCwd[cwd].Transcripts.Single();

        transcript.RecordedCwd.Should().Be(cwd);
        transcript.RecordedSessionId.Should().Be("huge");
        new FileInfo(path).Length.Should().Be(1L << 30);
    }

    [Fact]
    public void Probe_HeadBoundSmallerThanRecord_StillReadsThePrefix()
    {
        var cwd = temp.CreateDirectory("work");
        var folder = Folder(cwd);
        Write(folder, "s", Line(null, null, "summary") + "{\"sessionId\":\"s\",\"cwd\":" + System.Text.Json.JsonSerializer.Serialize(cwd) + ",\"pad\":\"" + new string('p', 500) + "\"}\n" + Line("/elsewhere", "later"));

        var transcript = Probe(CreateProbe(headBytes: 150), [cwd]).TranscriptsByCwd[cwd].Transcripts.Single();

        transcript.RecordedCwd.Should().Be(cwd);
    }

    [Fact]
    public void Probe_SymlinkedTranscriptAndDanglingLink_LinkFollowedDanglingSkipped()
    {
        var cwd = temp.CreateDirectory("work");
        var folder = Folder(cwd);
        var elsewhere = temp.CreateDirectory("elsewhere");
        var target = Write(elsewhere, "target", Line(cwd, "linked"));
        File.CreateSymbolicLink(Path.Combine(folder, "linked.jsonl"), target);
        File.CreateSymbolicLink(Path.Combine(folder, "dangling.jsonl"), Path.Combine(elsewhere, "gone.jsonl"));

        var transcripts = Probe(CreateProbe(), [cwd]).TranscriptsByCwd[cwd].Transcripts;

        transcripts.Should().ContainSingle().Which.Should().Match<ClaudeTranscript>(t => t.SessionId == "linked" && t.RecordedCwd == cwd);
    }

    [Fact]
    public void Probe_CwdThroughSymlink_UsesTheRealPathKeyAndMatchesRecordedRealCwd()
    {
        var real = temp.CreateDirectory("real_dir");
        var link = temp.Combine("link.to");
        Directory.CreateSymbolicLink(link, real);
        Write(Folder(real), "s", Line(real, "s"));

        var listing = Probe(CreateProbe(), [link]).TranscriptsByCwd[link];

        listing.Presence.Should().Be(ArtifactPresence.Present);
        listing.Transcripts.Select(t => t.SessionId).Should().Equal("s");
    }

    [Theory]
    [InlineData("under_score")]
    [InlineData("dots.in.name")]
    [InlineData("with space")]
    [InlineData("me@host")]
    [InlineData("café-nfc")]
    [InlineData("cafe\u0301-nfd")]
    [InlineData("tab\there")]
    public void Probe_SpecialCharactersInCwd_FindsTheSdkFolder(string name)
    {
        var cwd = temp.CreateDirectory(name);
        Write(Folder(cwd), "s", Line(cwd, "s"));

        var listing = Probe(CreateProbe(), [cwd]).TranscriptsByCwd[cwd];

        listing.Transcripts.Select(t => t.SessionId).Should().Equal("s");
    }

    [Fact]
    public void Probe_CwdOver200Units_MatchesEveryHashedFolderByPrefix()
    {
        var cwd = temp.CreateDirectory(Enumerable.Repeat("long_segment.name", 14).ToArray());
        cwd.Length.Should().BeGreaterThan(200);
        var prefix = ClaudeProjectKeyTests.SdkKey(cwd)[..200];
        var buildA = Directory.CreateDirectory(Path.Combine(Projects, prefix + "-1a2b3c")).FullName;
        var buildB = Directory.CreateDirectory(Path.Combine(Projects, prefix + "-zz9")).FullName;
        var decoy = Directory.CreateDirectory(Path.Combine(Projects, prefix[..199] + "X-1a2b3c")).FullName;
        Write(buildA, "a", Line(cwd, "a"));
        Write(buildB, "b", Line(cwd, "b"));
        Write(decoy, "c", Line(cwd, "c"));

        var listing = Probe(CreateProbe(), [cwd]).TranscriptsByCwd[cwd];

        listing.Presence.Should().Be(ArtifactPresence.Present);
        listing.Transcripts.Select(t => t.SessionId).Should().BeEquivalentTo(["a", "b"]);
    }

    [Fact]
    public void Probe_SessionIds_PresentMissingAndInvalid()
    {
        Write(Directory.CreateDirectory(Path.Combine(Projects, "-p1")).FullName, "in-p1", "x");
        Write(Directory.CreateDirectory(Path.Combine(Projects, "-p2")).FullName, "in-p2", "x");

        var presence = Probe(CreateProbe(), ids: ["in-p1", "in-p2", "nowhere", "../-p1/in-p1", ""]).SessionPresence;

        presence["in-p1"].Should().Be(ArtifactPresence.Present);
        presence["in-p2"].Should().Be(ArtifactPresence.Present);
        presence["nowhere"].Should().Be(ArtifactPresence.Missing);
        presence["../-p1/in-p1"].Should().Be(ArtifactPresence.Missing);
        presence[""].Should().Be(ArtifactPresence.Missing);
    }

    [Fact]
    public virtual void Probe_TranscriptGrowsAfterHeadWasRead_KeepsTheHeadAndSeesTheNewMtime()
    {
        var cwd = temp.CreateDirectory("work");
        var path = Write(Folder(cwd), "s", Line(cwd, "s"));
        var probe = CreateProbe();
        Probe(probe, [cwd]);
        File.AppendAllText(path, Line("/other", "other"));
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));

        var transcript = Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single();

        transcript.RecordedCwd.Should().Be(cwd);
        transcript.LastWrite.Should().Be(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public virtual void Probe_TranscriptRewrittenShorter_ReadsTheHeadAgain()
    {
        var cwd = temp.CreateDirectory("work");
        var other = temp.CreateDirectory("other");
        var path = Write(Folder(cwd), "s", Line(cwd, "s") + Line(cwd, "s"));
        var probe = CreateProbe();
        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Should().ContainSingle();
        Write(Folder(cwd), "s", Line(other, "s"));

        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Should().BeEmpty("the recorded cwd now names another folder");
    }

    [Fact]
    public void Probe_UnchangedTranscript_LaterPassReusesTheDescriptionWithoutReopening()
    {
        var cwd = temp.CreateDirectory("work1");
        var other = temp.CreateDirectory("work2");
        var stamp = new DateTime(2026, 1, 5, 0, 0, 0, DateTimeKind.Utc);
        var path = Write(Folder(cwd), "s", Line(cwd, "s"), stamp);
        var probe = CreateProbe();
        var first = Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single();

        // Same length, same mtime, another recorded cwd: only a reopened file could notice.
        File.WriteAllText(path, Line(other, "s"), new UTF8Encoding(false));
        new FileInfo(path).Length.Should().Be(Encoding.UTF8.GetByteCount(Line(cwd, "s")));
        File.SetLastWriteTimeUtc(path, stamp);
        var second = Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single();

        second.Should().BeSameAs(first);
        second.RecordedCwd.Should().Be(cwd);
        Probe(CreateProbe(), [cwd]).TranscriptsByCwd[cwd].Transcripts.Should().BeEmpty("a fresh probe reads the new head");
    }

    [Fact]
    public virtual void Probe_SameMtime_OrderedBySessionIdOrdinalOnEveryPass()
    {
        var cwd = temp.CreateDirectory("work");
        var folder = Folder(cwd);
        var stamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var id in new[] { "a", "a-b", "B", "a.b" })
        {
            Write(folder, id, Line(cwd, id), stamp);
        }

        var probe = CreateProbe();
        string[] expected = ["B", "a", "a-b", "a.b"]; // string.CompareOrdinal of the ids, not of the file names.
        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().Equal(expected);
        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().Equal(expected);
        File.SetLastWriteTimeUtc(Path.Combine(folder, "a.b.jsonl"), stamp.AddDays(1));

        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().Equal("a.b", "B", "a", "a-b");
    }

    [Fact]
    public void Probe_FilesAddedAndRemovedBetweenPasses_ListsTheFolderAsItIsNow()
    {
        var cwd = temp.CreateDirectory("work");
        var folder = Folder(cwd);
        for (var i = 0; i < 5; i++)
        {
            Write(folder, $"s{i}", Line(cwd, $"s{i}"), new DateTime(2026, 1, 1 + i, 0, 0, 0, DateTimeKind.Utc));
        }

        var probe = CreateProbe();
        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Should().HaveCount(5);
        File.Delete(Path.Combine(folder, "s1.jsonl"));
        File.Delete(Path.Combine(folder, "s3.jsonl"));
        Write(folder, "n0", Line(cwd, "n0"), new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc));
        var grown = Path.Combine(folder, "s2.jsonl");
        File.AppendAllText(grown, Line("/other", "other"));
        File.SetLastWriteTimeUtc(grown, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));

        var transcripts = Probe(probe, [cwd], ["s1", "n0"]);

        transcripts.TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().Equal("s2", "n0", "s4", "s0");
        transcripts.TranscriptsByCwd[cwd].Transcripts[0].LastWrite.Should().Be(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        transcripts.SessionPresence["s1"].Should().Be(ArtifactPresence.Missing);
        transcripts.SessionPresence["n0"].Should().Be(ArtifactPresence.Present);
    }

    [Fact]
    public void Probe_QuietFolder_KeepsTheLastListingWithoutListingOrStatingAgain()
    {
        var cwd = Temp.CreateDirectory("work");
        var path = Write(Folder(cwd), "s", Line(cwd, "s"));
        var probe = CreateProbe();
        Quieten();
        Probe(probe, [cwd]);
        File.AppendAllText(path, Line(cwd, "s"));
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        Directory.GetLastWriteTimeUtc(Folder(cwd)).Should().Be(OldFolderWrite, "an append does not change the folder");

        var transcript = Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single();

        transcript.LastWrite.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), "the documented miss: the last listing's mtime");
        probe.FolderListings.Should().Be(1, "the folder was listed once");
    }

    [Fact]
    public void Probe_QuietFolderGetsANewTranscript_SeenOnTheNextPass()
    {
        var cwd = Temp.CreateDirectory("work");
        Write(Folder(cwd), "old", Line(cwd, "old"));
        var probe = CreateProbe();
        Quieten();
        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().Equal("old");

        Write(Folder(cwd), "new", Line(cwd, "new"), new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc));

        Probe(probe, [cwd], ["new"]).TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().Equal("new", "old");
    }

    [Fact]
    public void Probe_QuietFolderLosesATranscript_MissingOnTheNextPass()
    {
        var cwd = Temp.CreateDirectory("work");
        var gone = Write(Folder(cwd), "gone", Line(cwd, "gone"));
        Write(Folder(cwd), "kept", Line(cwd, "kept"));
        var probe = CreateProbe();
        Quieten();
        Probe(probe, [cwd], ["gone", "kept"]).SessionPresence["gone"].Should().Be(ArtifactPresence.Present);

        File.Delete(gone);
        var result = Probe(probe, [cwd], ["gone", "kept"]);

        result.SessionPresence["gone"].Should().Be(ArtifactPresence.Missing);
        result.SessionPresence["kept"].Should().Be(ArtifactPresence.Present);
        result.TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().Equal("kept");
    }

    [Fact]
    public void Probe_QuietFolderWithAHeadTooShortToDecide_ReadsThatHeadAgainOnly()
    {
        var cwd = Temp.CreateDirectory("work");
        var path = Write(Folder(cwd), "young", Line(null, null, "summary"));
        Write(Folder(cwd), "done", Line(cwd, "done"));
        var probe = CreateProbe();
        Quieten();
        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single(t => t.SessionId == "young").RecordedCwd.Should().BeNull();
        var listings = probe.FolderListings;

        File.AppendAllText(path, Line(cwd, "young"));
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc));
        var young = Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single(t => t.SessionId == "young");

        young.RecordedCwd.Should().Be(cwd);
        young.LastWrite.Should().Be(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        probe.FolderListings.Should().Be(listings, "the folder itself did not change");
    }

    [Fact]
    public void Probe_FolderChangedTwiceWithinTheTickOfItsListing_ListedAgain()
    {
        var cwd = Temp.CreateDirectory("work");
        var folder = Folder(cwd);
        Write(folder, "first", Line(cwd, "first"));
        var tick = QuietNow.UtcDateTime;
        Directory.SetLastWriteTimeUtc(folder, tick);
        Clock.SetUtcNow(QuietNow);
        var probe = CreateProbe();
        Probe(probe, [cwd]);

        // Changed again after the listing, in the same tick: the folder's mtime reads the same.
        Write(folder, "second", Line(cwd, "second"));
        Directory.SetLastWriteTimeUtc(folder, tick);
        Clock.Advance(TimeSpan.FromSeconds(30));

        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().BeEquivalentTo(["first", "second"]);
    }

    [Fact]
    public void Probe_QuietListingOlderThanMaxAge_ListedAgainAndSeesTheAppend()
    {
        var cwd = Temp.CreateDirectory("work");
        var path = Write(Folder(cwd), "s", Line(cwd, "s"));
        var probe = CreateProbe();
        Quieten();
        Probe(probe, [cwd]);
        File.AppendAllText(path, Line(cwd, "s"));
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        Clock.Advance(ClaudeTranscriptProbe.MaxListingAge - TimeSpan.FromSeconds(1));
        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single().LastWrite.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        Clock.Advance(TimeSpan.FromSeconds(1));

        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single().LastWrite.Should().Be(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void Probe_ProjectFolderIsALink_ListedEveryPass()
    {
        var cwd = Temp.CreateDirectory("work");
        var target = Temp.CreateDirectory("elsewhere-project");
        Directory.CreateDirectory(Projects);
        Directory.CreateSymbolicLink(Path.Combine(Projects, ClaudeProjectKeyTests.SdkKey(cwd)), target);
        var path = Write(target, "s", Line(cwd, "s"));
        Directory.SetLastWriteTimeUtc(target, OldFolderWrite);
        var probe = CreateProbe();
        Quieten();
        Probe(probe, [cwd]);
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));

        Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts.Single().LastWrite.Should().Be(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
    }
}

/// <summary>The probe on the real <see cref="FileSystem"/>: folders listed directly.</summary>
public sealed class ClaudeTranscriptProbeTests : ClaudeTranscriptProbeContract
{
    protected override IFileSystem CreateFileSystem() => new FileSystem();

    [Fact]
    public void Constructor_RealFileSystem_ListsDirectly() =>
        new ClaudeTranscriptProbe(ProbeSettings.From(new SessionProbeOptions(), CreateFileSystem())).UsesDirectEnumeration.Should().BeTrue();
}

/// <summary>
/// Every fixture as a quiet pass on the real <see cref="FileSystem"/>: each probe's first answer
/// comes from the last listing of folders whose mtime did not change, and must be the same. The
/// three fixtures that change a transcript in place (its folder's mtime stays) are the documented
/// miss (see <c>Probe_QuietFolder_KeepsTheLastListingWithoutListingOrStatingAgain</c>): here their
/// later passes come after the listing is <see cref="ClaudeTranscriptProbe.MaxListingAge"/> old.
/// </summary>
public sealed class ClaudeTranscriptProbeQuietTests : ClaudeTranscriptProbeContract
{
    private protected override bool Quiet => true;

    [Fact]
    public override void Probe_TranscriptGrowsAfterHeadWasRead_KeepsTheHeadAndSeesTheNewMtime()
    {
        ExpireBeforeLaterPasses = true;
        base.Probe_TranscriptGrowsAfterHeadWasRead_KeepsTheHeadAndSeesTheNewMtime();
    }

    [Fact]
    public override void Probe_TranscriptRewrittenShorter_ReadsTheHeadAgain()
    {
        ExpireBeforeLaterPasses = true;
        base.Probe_TranscriptRewrittenShorter_ReadsTheHeadAgain();
    }

    [Fact]
    public override void Probe_SameMtime_OrderedBySessionIdOrdinalOnEveryPass()
    {
        ExpireBeforeLaterPasses = true;
        base.Probe_SameMtime_OrderedBySessionIdOrdinalOnEveryPass();
    }

    protected override IFileSystem CreateFileSystem() => new FileSystem();
}

/// <summary>The probe on another <see cref="IFileSystem"/> over the same real files: the abstraction path.</summary>
public sealed class ClaudeTranscriptProbeAbstractionTests : ClaudeTranscriptProbeContract
{
    protected override IFileSystem CreateFileSystem() => new DecoratedFileSystem();

    [Fact]
    public void Constructor_OtherFileSystem_ListsThroughTheAbstraction() =>
        new ClaudeTranscriptProbe(ProbeSettings.From(new SessionProbeOptions(), CreateFileSystem())).UsesDirectEnumeration.Should().BeFalse();

    [Fact]
    public void Probe_UnreadableTranscript_IncludedUnconfirmed()
    {
        // Root reads any file whatever its mode, so an exclusive lock stands in for "unreadable".
        var fs = new MockFileSystem();
        var cwd = "/home/u/work";
        fs.AddDirectory(cwd);
        var folder = $"/home/u/.claude/projects/{ClaudeProjectKeyTests.SdkKey(cwd)}";
        fs.AddFile(folder + "/locked.jsonl", new MockFileData(Line(cwd, "locked")) { AllowedFileShare = FileShare.None });
        fs.AddFile(folder + "/open.jsonl", new MockFileData(Line(cwd, "open")));
        var probe = new ClaudeTranscriptProbe(ProbeSettings.From(new SessionProbeOptions { HomeDirectory = "/home/u" }, fs));

        var transcripts = Probe(probe, [cwd]).TranscriptsByCwd[cwd].Transcripts;

        transcripts.Should().HaveCount(2);
        transcripts.Single(t => t.SessionId == "locked").RecordedCwd.Should().BeNull();
        transcripts.Single(t => t.SessionId == "open").RecordedCwd.Should().Be(cwd);
    }

    /// <summary>The real file system under another type, as a decorator or a test double would be.</summary>
    private sealed class DecoratedFileSystem : FileSystem
    {
    }
}
