using System.IO.Abstractions;
using System.Text.Json;

namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// Reads agy (Antigravity CLI) state under <c>~/.gemini/antigravity-cli/</c>: the documented
/// <c>cache/last_conversations.json</c> (tolerating absent, empty, mid-rewrite and wrongly shaped
/// files) and the existence and modification time of <c>conversations/&lt;id&gt;.db</c> and its
/// <c>-wal</c>. Never opens anything for writing.
/// </summary>
internal sealed class AgyConversationProbe(ProbeSettings settings) : LiveSource<AgentFiles>(LiveKeys.Agy)
{
    /// <summary>The largest <c>last_conversations.json</c> read; a bigger one is not agy's.</summary>
    public const int MaxLastConversationsBytes = 8 * 1024 * 1024;

    private readonly IFileSystem fs = settings.FileSystem;
    private readonly string root = settings.FileSystem.Path.Combine(settings.HomeDirectory, ".gemini", "antigravity-cli");

    public string LastConversationsPath => fs.Path.Combine(root, "cache", "last_conversations.json");

    public string ConversationsDirectory => fs.Path.Combine(root, "conversations");

    /// <summary>
    /// The conversation agy's workspace map names for each requested directory (when its file
    /// exists) and the presence of each requested id; unknown when agy's folder does not exist.
    /// </summary>
    protected override AgentFiles See(ObservationNeeds needs, CancellationToken cancellationToken) =>
        Observe(needs.Request(Key), cancellationToken);

    public AgentFiles Observe(ArtifactRequest request, CancellationToken cancellationToken)
    {
        if (!fs.Directory.Exists(root))
        {
            return AgentFiles.Unknown($"agy's folder {root} does not exist (is HOME right?)");
        }

        var described = new Dictionary<string, AgyConversation>(StringComparer.Ordinal);
        AgyConversation DescribeOnce(string id)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return described.TryGetValue(id, out var conversation) ? conversation : described[id] = Describe(id);
        }

        var conversations = new List<AgentConversation>();
        if (request.Cwds.Count > 0 && ReadLastConversations() is { Count: > 0 } map)
        {
            var byPath = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
            foreach (var (path, id) in map)
            {
                if (id.Length > 0)
                {
                    byPath[AgentFiles.NormalizePath(path)] = id;
                }
            }

            foreach (var cwd in request.Cwds)
            {
                if (byPath.TryGetValue(AgentFiles.NormalizePath(cwd), out var id)
                    && DescribeOnce(id) is { Presence: ArtifactPresence.Present, LastWrite: { } written })
                {
                    conversations.Add(new AgentConversation(id, cwd, written));
                }
            }
        }

        var presence = request.Ids.Select(id => (Id: id, DescribeOnce(id).Presence)).ToList();
        return new AgentFiles(
            conversations,
            presence.Where(p => p.Presence == ArtifactPresence.Present).Select(p => p.Id),
            presence.Where(p => p.Presence == ArtifactPresence.Unknown).Select(p => p.Id));
    }

    internal IReadOnlyDictionary<string, string>? ReadLastConversations()
    {
        byte[] bytes;
        try
        {
            var file = fs.FileInfo.New(LastConversationsPath);
            if (!file.Exists || file.Length == 0 || file.Length > MaxLastConversationsBytes)
            {
                return null;
            }

            using var stream = fs.FileStream.New(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > MaxLastConversationsBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            bytes = buffer.ToArray();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return null; // Not the documented shape: path → conversation id.
                }

                map[property.Name] = property.Value.GetString()!;
            }

            return map;
        }
        catch (JsonException)
        {
            return null; // Empty or mid-rewrite.
        }
    }

    private AgyConversation Describe(string id)
    {
        if (id.Length == 0 || id == "." || id == ".." || id.IndexOfAny(['/', '\\', '\0']) >= 0)
        {
            return new AgyConversation(ArtifactPresence.Missing, null);
        }

        try
        {
            var db = fs.FileInfo.New(fs.Path.Combine(ConversationsDirectory, id + ".db"));
            if (!db.Exists)
            {
                return new AgyConversation(ArtifactPresence.Missing, null);
            }

            var lastWrite = db.LastWriteTimeUtc;
            var wal = fs.FileInfo.New(db.FullName + "-wal");
            if (wal.Exists && wal.LastWriteTimeUtc > lastWrite)
            {
                lastWrite = wal.LastWriteTimeUtc;
            }

            return new AgyConversation(
                ArtifactPresence.Present,
                new DateTimeOffset(DateTime.SpecifyKind(lastWrite, DateTimeKind.Utc)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new AgyConversation(ArtifactPresence.Unknown, null);
        }
    }
}

/// <summary>One agy conversation's files.</summary>
/// <param name="Presence">Whether <c>conversations/&lt;id&gt;.db</c> exists.</param>
/// <param name="LastWrite">The later of the <c>.db</c> and <c>-wal</c> modification times, when present.</param>
internal sealed record AgyConversation(ArtifactPresence Presence, DateTimeOffset? LastWrite);
