using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>agy fixtures on the real file system.</summary>
public sealed class AgyConversationProbeTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private AgyConversationProbe CreateProbe() =>
        new(ProbeSettings.From(new SessionProbeOptions { HomeDirectory = temp.Path }, new FileSystem()));

    private string Root => temp.Combine(".gemini", "antigravity-cli");

    private void WriteLast(string content)
    {
        Directory.CreateDirectory(Path.Combine(Root, "cache"));
        File.WriteAllText(Path.Combine(Root, "cache", "last_conversations.json"), content);
    }

    [Fact]
    public void ReadLastConversations_Absent_Null()
    {
        CreateProbe().ReadLastConversations().Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"/home/u/a\": \"1111\", \"/home/u/b\": \"22")]
    [InlineData("[\"/home/u/a\"]")]
    [InlineData("{\"/home/u/a\": {\"id\": \"1111\"}}")]
    [InlineData("null")]
    public void ReadLastConversations_EmptyMidRewriteOrWrongShape_Null(string content)
    {
        WriteLast(content);

        CreateProbe().ReadLastConversations().Should().BeNull();
    }

    [Fact]
    public void ReadLastConversations_Documented_MapsWorkspaceToConversation()
    {
        WriteLast("{\"/home/u/a b\": \"0f8e2c9a-1111-4c1e-9a55-000000000001\", \"/home/u/ü\": \"0f8e2c9a-1111-4c1e-9a55-000000000002\"}");

        CreateProbe().ReadLastConversations().Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["/home/u/a b"] = "0f8e2c9a-1111-4c1e-9a55-000000000001",
            ["/home/u/ü"] = "0f8e2c9a-1111-4c1e-9a55-000000000002",
        });
    }

    [Fact]
    public void Observe_ConversationFiles_PresenceAndLaterOfDbAndWal()
    {
        var conversations = Directory.CreateDirectory(Path.Combine(Root, "conversations")).FullName;
        var withWal = Path.Combine(conversations, "with-wal.db");
        File.WriteAllText(withWal, "sqlite");
        File.WriteAllText(withWal + "-wal", "wal");
        File.SetLastWriteTimeUtc(withWal, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastWriteTimeUtc(withWal + "-wal", new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        var plain = Path.Combine(conversations, "plain.db");
        File.WriteAllText(plain, "sqlite");
        File.SetLastWriteTimeUtc(plain, new DateTime(2026, 1, 3, 0, 0, 0, DateTimeKind.Utc));
        var request = new ArtifactRequest();
        foreach (var id in new[] { "with-wal", "plain", "missing", "../conversations/plain" })
        {
            request.Ids.Add(id);
        }

        request.Cwds.Add("/w/app/");
        File.WriteAllText(Directory.CreateDirectory(Path.Combine(Root, "cache")).FullName + "/last_conversations.json", "{\"/w/app\":\"with-wal\",\"/w/gone\":\"missing\"}");
        request.Cwds.Add("/w/gone");

        var files = CreateProbe().Observe(request, CancellationToken.None);

        files.Presence("with-wal").Should().Be(ArtifactPresence.Present);
        files.Presence("plain").Should().Be(ArtifactPresence.Present);
        files.Presence("missing").Should().Be(ArtifactPresence.Missing);
        files.Presence("../conversations/plain").Should().Be(ArtifactPresence.Missing);
        files.In("/w/app").Should().BeEquivalentTo([new AgentConversation("with-wal", "/w/app/", new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero))]);
        files.In("/w/gone").Should().BeEmpty();
    }

    [Fact]
    public void Observe_NoAgyFolderAtAll_UnknownNotMissing()
    {
        var request = new ArtifactRequest();
        request.Ids.Add("x");

        var files = CreateProbe().Observe(request, CancellationToken.None);

        files.IsKnown.Should().BeFalse();
        files.UnknownReason.Should().Contain("does not exist");
        files.Presence("x").Should().Be(ArtifactPresence.Unknown);
    }
}
