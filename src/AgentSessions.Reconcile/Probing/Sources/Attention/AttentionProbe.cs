using System.Globalization;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Attention;

/// <summary>A live row as the attention probe needs it.</summary>
internal sealed record AttentionRow(string Name, string TmuxName, long? PanePid, string? Cwd, string? OwnSessionId);

/// <summary>Reads the panes of sessions, by tmux name, in one go: a name maps to its text, to <see langword="null"/> (the read failed), or is missing (not read).</summary>
internal delegate Task<IReadOnlyDictionary<string, string?>> CapturePanes(IReadOnlyList<string> tmuxNames, CancellationToken cancellationToken);

/// <summary>
/// Gathers each live row's evidence once per pass and resolves its attention state. A quiet pass
/// (nothing written since the last) costs one stat of the hook folder, one of Claude's
/// <c>sessions/</c> folder, one of <c>/proc/&lt;pid&gt;</c> per agent named there, and one of each bound
/// transcript; listings, record parses, parent walks and tail reads happen only when something
/// changed; a pane is read (the caller's <c>capture</c>, all of a pass's panes in one call) at most once a minute
/// per row, only for a row no other source explains, also across runs (<see cref="PaneReadFile"/>: a <c>reconcile --once</c>
/// every 30 s reads a pane every other run). Keeps small caches between passes; not thread-safe (one pass at a time).
/// </summary>
internal sealed class AttentionProbe(string claudeConfigDirectory, TimeProvider time, TimeSpan wedgedAfter, string procDirectory = "/proc")
{
    private static readonly TimeSpan PaneInterval = TimeSpan.FromMinutes(1);
    private static readonly System.IO.Abstractions.FileSystem FileSystem = new();
    private readonly PaneOwners owners = new(procDirectory);
    private readonly Dictionary<string, JsonFolder<HookRecord>> hookFolders = new(StringComparer.Ordinal);

    // Claude's sessions/ folder changes its mtime when a process starts or ends; its files are rewritten in place.
    private readonly JsonFolder<ClaudeProcessFile> processFolder = new(
        ClaudeProcessFile.DirectoryFor(claudeConfigDirectory),
        file => long.TryParse(Path.GetFileNameWithoutExtension(file.Name), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? ClaudeProcessFile.TryRead(file.DirectoryName!, pid) : null,
        relist: TimeSpan.FromSeconds(30));
    private readonly Dictionary<string, (long Length, DateTime Written, TranscriptTail Tail)> tailCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset At, PaneText.Pattern? Pattern, DateTimeOffset? Since)> paneCache = new(StringComparer.Ordinal);
    private static readonly TimeSpan RootRecheck = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (string? Root, DateTimeOffset At)> rootCache = new(StringComparer.Ordinal);

    // The folders walked for roots in this pass: rows share their parents.
    private readonly Dictionary<string, string?> rootFolders = new(StringComparer.Ordinal);

    /// <summary>Gets how many pane reads the probe asked for (for tests and the benchmark).</summary>
    public int PaneReads { get; private set; }

    /// <summary>Gets how many <c>/proc/&lt;pid&gt;/stat</c> files were read to find agents' panes (a quiet pass reads none).</summary>
    public int ProcStatReads => owners.StatReads;

    /// <summary>Observes every registry row whose tmux session is alive, as <see cref="LiveKeys.Attention"/> gives it.</summary>
    public async Task<IReadOnlyDictionary<string, SessionAttention>> ObserveAsync(
        Registry registry, TmuxState tmux, CapturePanes capture, CancellationToken cancellationToken)
    {
        var rows = registry.Sessions
            .Select(row => tmux.IsKnown && tmux.Find(row.Name) is { PrimaryPane: { IsDead: false } pane } session
                ? new AttentionRow(row.Name, session.Name, pane.Pid, row.Cwd ?? pane.CurrentPath, row.ClaudeSessionIdOwn)
                : null)
            .OfType<AttentionRow>().ToList();
        return await ObserveAsync(rows, capture, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Observes <paramref name="rows"/>; <paramref name="capture"/> reads the panes the pass needs, once.</summary>
    public async Task<IReadOnlyDictionary<string, SessionAttention>> ObserveAsync(
        IReadOnlyList<AttentionRow> rows, CapturePanes? capture, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, SessionAttention>(StringComparer.Ordinal);
        if (rows.Count == 0)
        {
            return result;
        }

        var now = time.GetUtcNow();
        rootFolders.Clear();
        var hooksByRoot = new Dictionary<string, List<HookRecord>>(StringComparer.Ordinal);
        var processFiles = processFolder.Read(now);
        var panePids = rows.Select(r => r.PanePid).OfType<long>().ToHashSet();
        var hooksOf = rows.ToDictionary(r => r.Name, r => Root(r.Cwd, now) is { } root ? HooksOf(root, hooksByRoot, now) : [], StringComparer.Ordinal);

        // Which pane each agent named by a hook record or a per-process file runs under.
        var paneOf = owners.Map(hooksByRoot.Values.SelectMany(h => h).Select(h => h.AgentPid).OfType<long>().Concat(processFiles.Select(f => f.Pid)), panePids);
        var unexplained = new List<(AttentionRow Row, AttentionEvidence Evidence)>();
        foreach (var row in rows)
        {
            var hooks = hooksOf[row.Name];
            bool Under(long? pid) => pid is { } p && row.PanePid is { } pane && paneOf.TryGetValue(p, out var owner) && owner == pane;

            // The agent under the pane: its newest hook record, else its per-process file.
            var hook = hooks.Where(h => Under(h.AgentPid)).MaxBy(h => h.At);
            var process = processFiles.Where(f => Under(f.Pid)).MaxBy(f => f.UpdatedAt);
            var (sessionId, source) = hook is not null ? (hook.SessionId, "hook") : process is not null ? (process.SessionId, "process") : (row.OwnSessionId, (string?)null);

            // Without pid evidence, a hook record of the row's own id (hooks from a platform without /proc).
            hook ??= row.OwnSessionId is { } own ? hooks.FirstOrDefault(h => h.SessionId == own && h.AgentPid is null) : null;

            var transcriptPath = hook?.TranscriptPath ?? TranscriptPath(row.Cwd, sessionId);
            var (tail, written) = transcriptPath is null ? (null, null) : ReadTail(transcriptPath);
            var evidence = new AttentionEvidence { Hook = hook, Process = process, Transcript = tail, TranscriptWritten = written };
            var state = AttentionResolver.Resolve(evidence, now, wedgedAfter);
            if (state.State == AttentionState.Unknown && capture is not null && row.PanePid is not null)
            {
                unexplained.Add((row, evidence));
            }

            result[row.Name] = Attention(state, source is null ? null : sessionId, source, source == "hook" ? hook?.PreviousSessionId : null);
        }

        // Last, the panes of the rows nothing else explains: all the reads this pass needs in one call.
        if (unexplained.Count > 0)
        {
            var panes = await PanesAsync([.. unexplained.Select(u => u.Row)], now, capture!, cancellationToken).ConfigureAwait(false);
            foreach (var (row, evidence) in unexplained)
            {
                var (pattern, since) = panes[row.Name];
                var bound = result[row.Name];
                result[row.Name] = Attention(
                    AttentionResolver.Resolve(evidence with { Pane = pattern, PaneSince = since }, now, wedgedAfter), bound.SessionId, bound.SessionIdSource, bound.ClearedFrom);
            }
        }

        return result;
    }

    private static SessionAttention Attention(AttentionState state, string? sessionId, string? sessionIdSource, string? clearedFrom) =>
        new(state.State, state.Reason, state.Since, state.Source, state.Evidence)
        {
            Tool = state.Tool,
            SessionId = sessionId,
            SessionIdSource = sessionIdSource,
            ClearedFrom = clearedFrom,
        };

    /// <summary>
    /// The workspace a cwd lies in (the hook's rule: nearest folder with <c>.hermes/agent-sessions.yaml</c>):
    /// a found one is kept, "none" for a minute (<see cref="RootRecheck"/>), so a quiet pass walks no folders.
    /// </summary>
    private string? Root(string? cwd, DateTimeOffset now)
    {
        if (cwd is null)
        {
            return null;
        }

        if (rootCache.TryGetValue(cwd, out var cached) && (cached.Root is not null || (cached.At <= now && now - cached.At < RootRecheck)))
        {
            return cached.Root;
        }

        var root = RegistryRoots.Of(FileSystem, cwd, rootFolders);
        rootCache[cwd] = (root, now);
        return root;
    }

    private List<HookRecord> HooksOf(string root, Dictionary<string, List<HookRecord>> byRoot, DateTimeOffset now)
    {
        if (byRoot.TryGetValue(root, out var records))
        {
            return records;
        }

        var directory = HookRecord.DirectoryFor(root);
        var folder = hookFolders.TryGetValue(directory, out var known) ? known : hookFolders[directory] = new(directory, file => HookRecord.TryRead(file.FullName), relist: TimeSpan.MaxValue);
        return byRoot[root] = folder.Read(now);
    }

    private async Task<Dictionary<string, (PaneText.Pattern? Pattern, DateTimeOffset? Since)>> PanesAsync(
        List<AttentionRow> rows, DateTimeOffset now, CapturePanes capture, CancellationToken cancellationToken)
    {
        var panes = new Dictionary<string, (PaneText.Pattern? Pattern, DateTimeOffset? Since)>(StringComparer.Ordinal);
        var due = new List<(AttentionRow Row, string? File, PaneText.Pattern? Last, DateTimeOffset? LastSince)>();
        foreach (var row in rows)
        {
            // The last read of this pane, by this process or (from the workspace's cache) by another run.
            var file = Root(row.Cwd, now) is { } root ? PaneReadFile.PathFor(root, row.TmuxName) : null;
            if (!paneCache.TryGetValue(row.Name, out var cached) && file is not null && PaneReadFile.Read(file, row.PanePid) is { } stored)
            {
                paneCache[row.Name] = cached = stored;
            }

            if (paneCache.ContainsKey(row.Name) && cached.At <= now && now - cached.At < PaneInterval)
            {
                panes[row.Name] = (cached.Pattern, cached.Since);
            }
            else
            {
                due.Add((row, file, cached.Pattern, cached.Since));
            }
        }

        if (due.Count == 0)
        {
            return panes;
        }

        PaneReads += due.Count;
        var texts = await capture([.. due.Select(d => d.Row.TmuxName)], cancellationToken).ConfigureAwait(false);
        foreach (var (row, file, last, lastSince) in due)
        {
            if (!texts.TryGetValue(row.TmuxName, out var text))
            {
                // Not read (tmux stopped at another pane's failure): unknown now, and no read recorded.
                panes[row.Name] = (null, null);
                continue;
            }

            var pattern = text is null ? null : PaneText.Classify(text);
            var since = pattern is null ? null : last?.Id == pattern.Id ? lastSince : now;
            paneCache[row.Name] = (now, pattern, since);
            if (file is not null)
            {
                PaneReadFile.Write(file, row.PanePid, now, pattern, since);
            }

            panes[row.Name] = (pattern, since);
        }

        return panes;
    }

    private string? TranscriptPath(string? cwd, string? sessionId)
    {
        if (cwd is null || !HookRecord.IsSafeSessionId(sessionId))
        {
            return null;
        }

        var key = ClaudeProjectKey.Compute(cwd);
        return ClaudeProjectKey.IsHashed(key) ? null : Path.Combine(claudeConfigDirectory, "projects", key, sessionId + ".jsonl");
    }

    // Stat every pass; read the tail only when the file changed since the last read.
    private (TranscriptTail? Tail, DateTimeOffset? Written) ReadTail(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return (null, null);
        }

        var written = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        if (tailCache.TryGetValue(path, out var cached) && cached.Length == info.Length && cached.Written == info.LastWriteTimeUtc)
        {
            return (cached.Tail, written);
        }

        try
        {
            var tail = TranscriptTail.Read(path);
            tailCache[path] = (info.Length, info.LastWriteTimeUtc, tail);
            return (tail, written);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, written);
        }
    }
}
