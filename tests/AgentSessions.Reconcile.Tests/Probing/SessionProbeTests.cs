using System.IO.Abstractions;
using System.Security.Cryptography;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>The public factory and the read-only guarantee, on the real file system.</summary>
public sealed class SessionProbeTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Create_SocketNameAndPath_Throws()
    {
        var act = () => SessionProbe.Create(new SessionProbeOptions { TmuxSocketName = "a", TmuxSocketPath = "/tmp/b" });

        act.Should().Throw<ArgumentException>().WithMessage("*not both*");
    }

    [Theory]
    [InlineData(0, 65536)]
    [InlineData(1000, 0)]
    public void Create_NonPositiveBounds_Throws(int timeoutMs, int headBytes)
    {
        var act = () => SessionProbe.Create(new SessionProbeOptions { TmuxTimeout = TimeSpan.FromMilliseconds(timeoutMs), TranscriptHeadBytes = headBytes });

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Options_Defaults_AsDocumented()
    {
        var options = new SessionProbeOptions();

        options.TmuxExecutable.Should().Be("tmux");
        options.TmuxTimeout.Should().Be(TimeSpan.FromSeconds(5));
        options.TranscriptHeadBytes.Should().Be(65536);
        options.TmuxSocketName.Should().BeNull();
        options.TmuxSocketPath.Should().BeNull();
        options.HomeDirectory.Should().BeNull();
        options.ClaudeConfigDirectory.Should().BeNull();
    }

    [Fact]
    public async Task ProbeArtifactsAsync_RealFiles_BytesAndMtimesUnchanged()
    {
        var cwd = temp.CreateDirectory("work");
        var home = temp.CreateDirectory("home");
        var projects = Directory.CreateDirectory(Path.Combine(home, ".claude", "projects", ClaudeProjectKeyTests.SdkKey(cwd))).FullName;
        var agy = Path.Combine(home, ".gemini", "antigravity-cli");
        Directory.CreateDirectory(Path.Combine(agy, "cache"));
        Directory.CreateDirectory(Path.Combine(agy, "conversations"));
        var files = new List<string>
        {
            Path.Combine(projects, "s1.jsonl"),
            Path.Combine(projects, "s2.jsonl"),
            Path.Combine(agy, "cache", "last_conversations.json"),
            Path.Combine(agy, "conversations", "c1.db"),
            Path.Combine(agy, "conversations", "c1.db-wal"),
        };
        File.WriteAllText(files[0], $"{{\"type\":\"summary\"}}\n{{\"cwd\":{System.Text.Json.JsonSerializer.Serialize(cwd)},\"sessionId\":\"s1\"}}\n{{\"half");
        File.WriteAllText(files[1], "garbage");
        File.WriteAllText(files[2], $"{{{System.Text.Json.JsonSerializer.Serialize(cwd)}:\"c1\"}}");
        File.WriteAllBytes(files[3], [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x00, 1, 2, 3]);
        File.WriteAllBytes(files[4], [9, 8, 7]);
        var old = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        foreach (var f in files)
        {
            File.SetLastWriteTimeUtc(f, old);
        }

        var before = files.Select(Snapshot).ToList();
        var probe = SessionProbe.Create(new SessionProbeOptions { HomeDirectory = home }, new FileSystem());
        var request = new ArtifactRequest();
        request.Cwds.Add(cwd);
        request.ClaudeSessionIds.Add("s1");
        request.AgyConversationIds.Add("c1");

        var first = await probe.ProbeArtifactsAsync(request);
        var second = await probe.ProbeArtifactsAsync(request);

        first.TranscriptsByCwd[cwd].Transcripts.Select(t => t.SessionId).Should().BeEquivalentTo(["s1", "s2"]);
        first.ClaudeSessions["s1"].Should().Be(ArtifactPresence.Present);
        first.AgyLastConversations.Should().ContainKey(cwd);
        first.AgyConversations["c1"].Presence.Should().Be(ArtifactPresence.Present);
        second.TranscriptsByCwd[cwd].Should().BeEquivalentTo(first.TranscriptsByCwd[cwd]);
        files.Select(Snapshot).Should().Equal(before);
    }

    private static (string Path, string Hash, DateTime LastWrite, long Length) Snapshot(string path) =>
        (path, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))), File.GetLastWriteTimeUtc(path), new FileInfo(path).Length);
}
