using System.Globalization;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Attention;

/// <summary>A live row as the attention probe needs it.</summary>
/// <param name="Name">The row's session name.</param>
/// <param name="TmuxName">The session's name as tmux stores it (for a pane read).</param>
/// <param name="PanePid">The pane's first process (<c>pane_pid</c>).</param>
/// <param name="Cwd">The row's working directory (for the transcript's folder).</param>
/// <param name="OwnSessionId">The row's recorded Claude session id (<c>claude_session_id_own</c>), if any.</param>
internal sealed record AttentionRow(string Name, string TmuxName, long? PanePid, string? Cwd, string? OwnSessionId);

/// <summary>What the probe found for one row.</summary>
/// <param name="State">The attention state.</param>
/// <param name="SessionId">The session id of the agent running in the row's pane, when a hook record or the per-process file names it.</param>
/// <param name="SessionIdSource"><c>hook</c> or <c>process</c>, with <paramref name="SessionId"/>.</param>
/// <param name="ClearedFrom">The id the bound session replaced after <c>/clear</c>, when the hook said so.</param>
internal sealed record RowAttention(AttentionState State, string? SessionId, string? SessionIdSource, string? ClearedFrom);

/// <summary>
/// Gathers each live row's evidence once per pass and resolves its attention state: one scan of
/// <c>/proc</c>, one listing each of the hook folder and Claude's <c>sessions/</c> folder, a stat of
/// each bound transcript and a tail read only when it grew, and a pane read (the caller's
/// <c>capture</c>) at most once a minute per row, only for a row no other source explains.
/// Keeps small caches between passes; not thread-safe (one pass at a time).
/// </summary>
internal sealed class AttentionProbe
{
    private static readonly TimeSpan PaneInterval = TimeSpan.FromMinutes(1);
    private readonly string claudeConfigDirectory;
    private readonly string procDirectory;
    private readonly TimeProvider time;
    private readonly TimeSpan wedgedAfter;
    private readonly Dictionary<string, (DateTime Written, long Length, HookRecord? Record)> hookCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Length, DateTime Written, TranscriptTail Tail)> tailCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset At, PaneText.Pattern? Pattern, DateTimeOffset? Since)> paneCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> rootCache = new(StringComparer.Ordinal);
    private readonly Dictionary<long, (DateTime Written, long Length, ClaudeProcessFile? File)> processCache = [];

    public AttentionProbe(string claudeConfigDirectory, TimeProvider time, TimeSpan wedgedAfter, string procDirectory = "/proc")
    {
        this.claudeConfigDirectory = claudeConfigDirectory;
        this.procDirectory = procDirectory;
        this.time = time;
        this.wedgedAfter = wedgedAfter;
    }

    /// <summary>Gets how many pane reads the probe asked for (for tests and the benchmark).</summary>
    public int PaneReads { get; private set; }

    /// <summary>Observes every registry row whose tmux session is alive, as <see cref="LiveState.Attention"/> gives it.</summary>
    public async Task<IReadOnlyDictionary<string, SessionAttention>> ObserveAsync(
        Registry registry, TmuxState tmux, Func<string, CancellationToken, Task<string?>> capture, CancellationToken cancellationToken)
    {
        var rows = new List<AttentionRow>();
        foreach (var row in registry.Sessions)
        {
            if (tmux.IsKnown && tmux.Find(row.Name) is { PrimaryPane: { IsDead: false } pane } session)
            {
                rows.Add(new AttentionRow(row.Name, session.Name, pane.Pid, row.Cwd ?? pane.CurrentPath, row.ClaudeSessionIdOwn));
            }
        }

        var found = await ObserveAsync(rows, capture, cancellationToken).ConfigureAwait(false);
        var result = new Dictionary<string, SessionAttention>(StringComparer.Ordinal);
        foreach (var (name, a) in found)
        {
            result[name] = new SessionAttention(a.State.State, a.State.Reason, a.State.Since, a.State.Source, a.State.Evidence)
            {
                Tool = a.State.Tool,
                SessionId = a.SessionId,
                SessionIdSource = a.SessionIdSource,
                ClearedFrom = a.ClearedFrom,
            };
        }

        return result;
    }

    /// <summary>Observes <paramref name="rows"/>; <paramref name="capture"/> reads a pane's text by its tmux name (<see langword="null"/>: could not).</summary>
    public async Task<IReadOnlyDictionary<string, RowAttention>> ObserveAsync(
        IReadOnlyList<AttentionRow> rows, Func<string, CancellationToken, Task<string?>>? capture, CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, RowAttention>(StringComparer.Ordinal);
        if (rows.Count == 0)
        {
            return result;
        }

        var now = time.GetUtcNow();
        var tree = ProcessTree.Scan(procDirectory);
        var hooksByRoot = new Dictionary<string, List<HookRecord>>(StringComparer.Ordinal);
        var processDir = ClaudeProcessFile.DirectoryFor(claudeConfigDirectory);
        var processFiles = ReadProcessFiles(processDir);
        var seenHookFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var pids = row.PanePid is { } panePid ? tree.Descendants(panePid) : [];
            var pidSet = pids.ToHashSet();
            var hooks = Root(row.Cwd) is { } root ? HooksOf(root, hooksByRoot, seenHookFiles) : [];

            // The agent under the pane: its newest hook record, else its per-process file.
            var hook = hooks.Where(h => h.AgentPid is { } p && pidSet.Contains(p)).MaxBy(h => h.At);
            var process = pids.Select(p => processFiles.GetValueOrDefault(p)).OfType<ClaudeProcessFile>().MaxBy(f => f.UpdatedAt);
            var (sessionId, source) = hook is not null ? (hook.SessionId, "hook") : process is not null ? (process.SessionId, "process") : (row.OwnSessionId, (string?)null);

            // Without pid evidence, a hook record of the row's own id (hooks from a platform without /proc).
            hook ??= row.OwnSessionId is { } own ? hooks.FirstOrDefault(h => h.SessionId == own && h.AgentPid is null) : null;

            var transcriptPath = hook?.TranscriptPath ?? TranscriptPath(row.Cwd, sessionId);
            var (tail, written) = transcriptPath is null ? (null, null) : ReadTail(transcriptPath);
            var evidence = new AttentionEvidence { Hook = hook, Process = process, Transcript = tail, TranscriptWritten = written };
            var state = AttentionResolver.Resolve(evidence, now, wedgedAfter);
            if (state.State == AttentionState.Unknown && capture is not null && pids.Count > 0)
            {
                var (pattern, since) = await PaneAsync(row, now, capture, cancellationToken).ConfigureAwait(false);
                state = AttentionResolver.Resolve(evidence with { Pane = pattern, PaneSince = since }, now, wedgedAfter);
            }

            result[row.Name] = new RowAttention(state, source is null ? null : sessionId, source, source == "hook" ? hook?.PreviousSessionId : null);
        }

        foreach (var gone in hookCache.Keys.Where(k => !seenHookFiles.Contains(k)).ToList())
        {
            hookCache.Remove(gone);
        }

        return result;
    }

    /// <summary>The workspace a cwd lies in (the hook's rule: nearest folder with <c>.hermes/agent-sessions.yaml</c>); found ones are kept.</summary>
    private string? Root(string? cwd)
    {
        if (cwd is null)
        {
            return null;
        }

        if (rootCache.TryGetValue(cwd, out var root))
        {
            return root;
        }

        root = RegistryRoots.Find(new System.IO.Abstractions.FileSystem(), [cwd]).GetValueOrDefault(cwd);
        if (root is not null)
        {
            rootCache[cwd] = root;
        }

        return root;
    }

    private List<HookRecord> HooksOf(string root, Dictionary<string, List<HookRecord>> byRoot, HashSet<string> seen)
    {
        if (!byRoot.TryGetValue(root, out var records))
        {
            byRoot[root] = records = ReadHooks(HookRecord.DirectoryFor(root), seen);
        }

        return records;
    }

    private async Task<(PaneText.Pattern? Pattern, DateTimeOffset? Since)> PaneAsync(
        AttentionRow row, DateTimeOffset now, Func<string, CancellationToken, Task<string?>> capture, CancellationToken cancellationToken)
    {
        if (paneCache.TryGetValue(row.Name, out var cached) && now - cached.At < PaneInterval)
        {
            return (cached.Pattern, cached.Since);
        }

        PaneReads++;
        var pattern = await capture(row.TmuxName, cancellationToken).ConfigureAwait(false) is { } text ? PaneText.Classify(text) : null;
        var since = pattern is null ? null : cached.Pattern?.Id == pattern.Id ? cached.Since : now;
        paneCache[row.Name] = (now, pattern, since);
        return (pattern, since);
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

    // One listing of the hook folder; a record is parsed again only when its file changed.
    private List<HookRecord> ReadHooks(string directory, HashSet<string> seen)
    {
        var records = new List<HookRecord>();
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*.json"))
            {
                seen.Add(file.FullName);
                if (!hookCache.TryGetValue(file.FullName, out var cached) || cached.Written != file.LastWriteTimeUtc || cached.Length != file.Length)
                {
                    cached = (file.LastWriteTimeUtc, file.Length, HookRecord.TryRead(file.FullName));
                    hookCache[file.FullName] = cached;
                }

                if (cached.Record is { } record)
                {
                    records.Add(record);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No folder (no hook installed) or unreadable: no hook evidence.
        }

        return records;
    }

    // One listing of Claude's sessions/ folder; a file is parsed again only when it changed.
    private Dictionary<long, ClaudeProcessFile> ReadProcessFiles(string directory)
    {
        var files = new Dictionary<long, ClaudeProcessFile>();
        var seen = new HashSet<long>();
        try
        {
            foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*.json"))
            {
                if (!long.TryParse(Path.GetFileNameWithoutExtension(file.Name), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }

                seen.Add(pid);
                if (!processCache.TryGetValue(pid, out var cached) || cached.Written != file.LastWriteTimeUtc || cached.Length != file.Length)
                {
                    cached = (file.LastWriteTimeUtc, file.Length, ClaudeProcessFile.TryRead(directory, pid));
                    processCache[pid] = cached;
                }

                if (cached.File is { } parsed)
                {
                    files[pid] = parsed;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // No folder (an older Claude Code) or unreadable: no per-process evidence.
        }

        foreach (var gone in processCache.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            processCache.Remove(gone);
        }

        return files;
    }
}
