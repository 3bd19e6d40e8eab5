using System.IO.Abstractions;
using System.Security.Cryptography;
using AgentSessions.Reconcile.Probing;
using AgentSessions.Reconcile.Processes;

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

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void Sources_AttentionRegistered_OnlyWhenObserved(bool observe, int expected)
    {
        var settings = ProbeSettings.From(new SessionProbeOptions { HomeDirectory = temp.Path, ObserveAttention = observe }, new FileSystem());

        SessionProbe.Sources(settings, new TmuxSessionProbe(settings, new ProcessRunner()), TimeProvider.System)
            .OfType<AttentionSource>().Should().HaveCount(expected);
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
    public async Task ObserveAsync_RealFiles_BytesAndMtimesUnchanged()
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
        var probe = SessionProbe.Create(new SessionProbeOptions { HomeDirectory = home, TmuxSocketName = "no-server-" + Guid.NewGuid().ToString("N") }, new FileSystem());
        var registry = new AgentSessions.Reconcile.Registry();
        registry.Sessions.Add(new SessionRow("lab-creator-claude") { Agent = "claude", Cwd = cwd, Status = SessionStatus.Running });
        registry.Sessions.Add(new SessionRow("lab-creator-agy") { Agent = "agy", Cwd = cwd, Status = SessionStatus.Running });
        registry.Sessions.Add(new SessionRow("lab-x-creator-claude") { Status = SessionStatus.Stopped, ClaudeSessionIdOwn = "s1", AgySessionIdOwn = "c1" });

        var first = await probe.ObserveAsync(registry, "lab");
        var second = await probe.ObserveAsync(registry, "lab");

        // s2 records no cwd in its head: not confirmed for the folder (but it is on disk).
        first.Get(LiveKeys.Claude).In(cwd).Select(t => t.Id).Should().Equal("s1");
        first.Get(LiveKeys.Claude).Presence("s1").Should().Be(ArtifactPresence.Present);
        first.Get(LiveKeys.Agy).In(cwd).Select(c => c.Id).Should().Equal("c1");
        first.Get(LiveKeys.Agy).Presence("c1").Should().Be(ArtifactPresence.Present);
        first.Tmux.IsNoServer.Should().BeTrue();
        second.Get(LiveKeys.Claude).In(cwd).Should().BeEquivalentTo(first.Get(LiveKeys.Claude).In(cwd), o => o.WithStrictOrdering());
        files.Select(Snapshot).Should().Equal(before);
    }

    [Fact]
    public async Task ObserveAsync_AgentFoldersDoNotExist_SourcesUnknownWithWhy()
    {
        var home = temp.CreateDirectory("empty-home");
        var probe = SessionProbe.Create(new SessionProbeOptions { HomeDirectory = home, TmuxSocketName = "no-server-" + Guid.NewGuid().ToString("N") }, new FileSystem());
        var registry = new AgentSessions.Reconcile.Registry();
        registry.Sessions.Add(new SessionRow("lab-x-creator-claude") { Status = SessionStatus.Stopped, ClaudeSessionIdOwn = "s1", AgySessionIdOwn = "c1" });

        var live = await probe.ObserveAsync(registry, "lab");

        live.Get(LiveKeys.Claude).IsKnown.Should().BeFalse();
        live.Get(LiveKeys.Claude).UnknownReason.Should().Contain(Path.Combine(home, ".claude")).And.Contain("does not exist");
        live.Get(LiveKeys.Claude).Presence("s1").Should().Be(ArtifactPresence.Unknown);
        live.Get(LiveKeys.Agy).IsKnown.Should().BeFalse();
        live.Get(LiveKeys.Agy).UnknownReason.Should().Contain(Path.Combine(home, ".gemini", "antigravity-cli"));
        live.Get(LiveKeys.Agy).Presence("c1").Should().Be(ArtifactPresence.Unknown);
    }

    [Fact]
    public async Task ObserveAsync_NoServer_NamesTheSocketAndFindsRecordedPaneAlive()
    {
        using var sleeper = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", ["60"]))!;
        try
        {
            var name = "no-server-" + Guid.NewGuid().ToString("N");
            var probe = SessionProbe.Create(new SessionProbeOptions { HomeDirectory = temp.Path, TmuxSocketName = name }, new FileSystem());
            var registry = new AgentSessions.Reconcile.Registry();
            registry.Sessions.Add(new SessionRow("lab-a-creator-claude") { Status = SessionStatus.Running, Pane = new PaneInfo { Pid = sleeper.Id, Cmd = "sleep" } });
            registry.Sessions.Add(new SessionRow("lab-b-creator-claude") { Status = SessionStatus.Running, Pane = new PaneInfo { Pid = sleeper.Id, Cmd = "claude" } });

            var live = await probe.ObserveAsync(registry, "lab");

            live.Tmux.IsNoServer.Should().BeTrue();
            live.Tmux.SocketPath.Should().EndWith("/" + name);
            live.Get(LiveKeys.PanesAliveWithoutServer).Should().Equal(sleeper.Id);
        }
        finally
        {
            sleeper.Kill();
        }
    }

    private static (string Path, string Hash, DateTime LastWrite, long Length) Snapshot(string path) =>
        (path, Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))), File.GetLastWriteTimeUtc(path), new FileInfo(path).Length);
}
