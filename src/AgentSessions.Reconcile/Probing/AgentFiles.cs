namespace AgentSessions.Reconcile;

/// <summary>
/// What a probe saw of one agent's files (Claude Code transcripts, or agy conversations): the
/// conversations written in each working directory it looked at, and which recorded ids have a
/// file. When the source could not be seen at all (its folder does not exist, or cannot be read),
/// it is <see cref="Unknown"/>: nothing about its ids is decided.
/// </summary>
public sealed class AgentFiles
{
    private static readonly IReadOnlyList<AgentConversation> None = [];
    private readonly Dictionary<string, IReadOnlyList<AgentConversation>> _byCwd;
    private readonly HashSet<string> _present = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);
    private HashSet<string>? _conversationIds;

    /// <summary>Initializes a new instance of the <see cref="AgentFiles"/> class: a source that was seen.</summary>
    /// <param name="conversations">
    /// The conversations confirmed for each working directory looked at (their ids are present).
    /// A directory with none, or that could not be listed, simply has none.
    /// </param>
    /// <param name="presentIds">Further ids whose file exists (found outside a listed directory).</param>
    /// <param name="unknownIds">Ids whose file could not be checked (an unreadable folder). Any other id is missing.</param>
    public AgentFiles(IEnumerable<AgentConversation> conversations, IEnumerable<string>? presentIds = null, IEnumerable<string>? unknownIds = null)
        : this(ByCwd(conversations), presentIds ?? [], unknownIds ?? [])
    {
    }

    /// <summary>A source that was seen, from lists already newest first (<see cref="NewestFirst"/>) keyed by <see cref="NormalizePath"/>: nothing copied or sorted.</summary>
    internal AgentFiles(Dictionary<string, IReadOnlyList<AgentConversation>> newestFirstByCwd, IEnumerable<string> presentIds, IEnumerable<string> unknownIds)
    {
        _byCwd = newestFirstByCwd;
        IsKnown = true;
        _present.UnionWith(presentIds);
        _unknown.UnionWith(unknownIds);
    }

    private static Dictionary<string, IReadOnlyList<AgentConversation>> ByCwd(IEnumerable<AgentConversation> conversations)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        return conversations
            .GroupBy(c => NormalizePath((c ?? throw new ArgumentNullException(nameof(conversations))).Cwd), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<AgentConversation>)g.Order(Comparer<AgentConversation>.Create(NewestFirst)).ToList().AsReadOnly(), StringComparer.Ordinal);
    }

    private AgentFiles(string reason)
    {
        _byCwd = new(StringComparer.Ordinal);
        UnknownReason = reason;
    }

    /// <summary>Gets the order of <see cref="In"/>: the latest write first, then the id (ordinal).</summary>
    internal static Comparison<AgentConversation> NewestFirst { get; } = static (a, b) =>
    {
        var byTime = b.LastWrite.CompareTo(a.LastWrite);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    };

    /// <summary>Gets a value indicating whether the source was seen. When <see langword="false"/>, every id is <see cref="ArtifactPresence.Unknown"/>.</summary>
    public bool IsKnown { get; }

    /// <summary>Gets why the source could not be seen, or <see langword="null"/>.</summary>
    public string? UnknownReason { get; }

    /// <summary>Creates a source that could not be seen.</summary>
    /// <param name="reason">One sentence that says why (for example "~/.claude does not exist").</param>
    /// <returns>The unknown source.</returns>
    public static AgentFiles Unknown(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new AgentFiles(reason);
    }

    /// <summary>The conversations confirmed for a working directory, newest first (a trailing <c>/</c> does not matter).</summary>
    /// <param name="cwd">The working directory.</param>
    /// <returns>The conversations; empty when none were found or the directory was not looked at.</returns>
    public IReadOnlyList<AgentConversation> In(string cwd)
    {
        ArgumentNullException.ThrowIfNull(cwd);
        return _byCwd.TryGetValue(NormalizePath(cwd), out var list) ? list : None;
    }

    /// <summary>Whether a recorded id has its file.</summary>
    /// <param name="id">The session or conversation id.</param>
    /// <returns>Present, missing, or unknown (the source or the id's folder could not be seen).</returns>
    public ArtifactPresence Presence(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!IsKnown)
        {
            return ArtifactPresence.Unknown;
        }

        // A conversation's id is present: the set of them is built on the first id not named otherwise.
        return _present.Contains(id) || ConversationIds().Contains(id) ? ArtifactPresence.Present
            : _unknown.Contains(id) ? ArtifactPresence.Unknown
            : ArtifactPresence.Missing;
    }

    private HashSet<string> ConversationIds() =>
        LazyInitializer.EnsureInitialized(ref _conversationIds, () => _byCwd.Values.SelectMany(list => list).Select(conversation => conversation.Id).ToHashSet(StringComparer.Ordinal));

    /// <summary>A path without its trailing <c>/</c> (but <c>/</c> stays <c>/</c>).</summary>
    internal static string NormalizePath(string path) =>
        path.Length > 1 && path[^1] == '/' ? path.TrimEnd('/') is { Length: > 0 } t ? t : "/" : path;
}

/// <summary>One conversation an agent wrote in a working directory.</summary>
/// <param name="id">The Claude session id, or the agy conversation id.</param>
/// <param name="cwd">The working directory it was written in (recorded inside it, or by agy's workspace map).</param>
/// <param name="lastWrite">When its file was last written.</param>
public sealed class AgentConversation(string id, string cwd, DateTimeOffset lastWrite)
{
    /// <summary>Gets the Claude session id, or the agy conversation id.</summary>
    public string Id { get; } = id;

    /// <summary>Gets the working directory it was written in.</summary>
    public string Cwd { get; } = cwd;

    /// <summary>Gets when its file was last written.</summary>
    public DateTimeOffset LastWrite { get; } = lastWrite;
}
