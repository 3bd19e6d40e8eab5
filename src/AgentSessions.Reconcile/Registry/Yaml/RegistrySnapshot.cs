namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Where a session row sits in the file's UTF-8 bytes (after any byte order mark): <see cref="Start"/> is the start of the line holding its
/// dash (-1 when the row is not a plain block item), <see cref="ContentEnd"/> the offset just after
/// its last character of content (comments after it not included).
/// </summary>
internal readonly record struct RowSpan(int Start, int ContentEnd);

/// <summary>
/// A registry as read from one text: the typed values and where each row is. Never changed after it
/// is made (the store caches it and hands out copies), and it holds no text and no node tree.
/// <c>Rows</c> are never handed out (callers get copies); <c>SessionsEnd</c> is where the last row's lines
/// end (the next top-level key's line, or the text's end), -1 when rows cannot be spliced one by one;
/// <c>HasRoot</c> says whether the document has a root mapping (an empty or null document has none).
/// </summary>
internal sealed record RegistrySnapshot(int Version, string? Workspace, SessionRow[] Rows, RowSpan[] Spans, int SessionsEnd, bool HasRoot, bool UsesAnchors, bool HasBom, string NewLine)
{
    /// <summary>Gets a value indicating whether rows can be spliced one by one: a block list of rows, each a block item, no anchors.</summary>
    public bool RowsSpliceable => SessionsEnd >= 0 && Rows.Length > 0;

    /// <summary>A registry of copies of the rows, for a caller to change.</summary>
    public Registry Copy()
    {
        var registry = new Registry { Version = Version, Workspace = Workspace };
        var sessions = (List<SessionRow>)registry.Sessions;
        sessions.Capacity = Rows.Length;
        foreach (var row in Rows)
        {
            sessions.Add(RowValues.Clone(row));
        }

        return registry;
    }
}

/// <summary>
/// A registry for one update or dry run: the caller's copy, the snapshot it was copied from, and the
/// file's bytes (the text is decoded only for a change that cannot be spliced row by row).
/// </summary>
internal sealed class LoadedRegistry(string path, RegistrySnapshot snapshot, byte[] file, string? text = null)
{
    private string? decoded = text;

    public string Path { get; } = path;

    public RegistrySnapshot Snapshot { get; } = snapshot;

    /// <summary>Gets the copy handed to the change.</summary>
    public Registry Registry { get; } = snapshot.Copy();

    /// <summary>Gets the file's bytes after any byte order mark: what the rows' spans count in.</summary>
    public ReadOnlyMemory<byte> Body { get; } = file.AsMemory(snapshot.HasBom ? 3 : 0);

    public string Text => decoded ??= RegistryYaml.Utf8.GetString(Body.Span);
}

/// <summary>Copies and compares typed rows value by value.</summary>
internal static class RowValues
{
    private static readonly Dictionary<string, IDictionary<string, string?>> EmptyIdentities = [];
    private static readonly JobEntry[] NoJobs = []; // `?? []` would make a new List for every row copied

    public static SessionRow Clone(SessionRow row)
    {
        var copy = new SessionRow(row.Name)
        {
            Agent = row.Agent,
            Project = row.Project,
            Cwd = row.Cwd,
            Status = row.Status,
            LastVisibleStatus = row.LastVisibleStatus,
            LastVisibleNote = row.LastVisibleNote,
            CreatedAt = row.CreatedAt,
            UpdatedAt = row.UpdatedAt,
            TerminatedAt = row.TerminatedAt,
            TerminationMode = row.TerminationMode,
            Resumable = row.Resumable,
            Pane = row.Pane is { } p ? new PaneInfo { Pid = p.Pid, Cmd = p.Cmd, Cwd = p.Cwd, Socket = p.Socket, Id = p.Id } : null,
            ClaudeSessionIdOwn = row.ClaudeSessionIdOwn,
            AgySessionIdOwn = row.AgySessionIdOwn,
        };
        foreach (var (agent, fields) in row.IdentitiesIfAny ?? EmptyIdentities)
        {
            copy.AgentIdentities[agent] = fields is null ? null! : new Dictionary<string, string?>(fields, StringComparer.Ordinal);
        }

        foreach (var job in row.JobsIfAny ?? NoJobs)
        {
            copy.Jobs.Add(job is null ? null! : Clone(job));
        }

        return copy;
    }

    public static JobEntry Clone(JobEntry job) => new(job.JobId) { AuthToken = job.AuthToken, Status = job.Status, LastSeq = job.LastSeq };

    /// <summary>Gets a value indicating whether two rows hold the same values (identities and jobs in the same order).</summary>
    public static bool Same(SessionRow a, SessionRow b)
    {
        if (!(a.Name == b.Name && a.Agent == b.Agent && a.Project == b.Project && a.Cwd == b.Cwd && a.Status == b.Status
            && a.LastVisibleStatus == b.LastVisibleStatus && a.LastVisibleNote == b.LastVisibleNote && Same(a.CreatedAt, b.CreatedAt)
            && Same(a.UpdatedAt, b.UpdatedAt) && Same(a.TerminatedAt, b.TerminatedAt) && a.TerminationMode == b.TerminationMode
            && a.Resumable == b.Resumable && a.ClaudeSessionIdOwn == b.ClaudeSessionIdOwn && a.AgySessionIdOwn == b.AgySessionIdOwn
            && Same(a.Pane, b.Pane) && a.IdentityCount == b.IdentityCount && a.JobCount == b.JobCount))
        {
            return false;
        }

        using (var ea = (a.IdentitiesIfAny ?? EmptyIdentities).GetEnumerator())
        using (var eb = (b.IdentitiesIfAny ?? EmptyIdentities).GetEnumerator())
        {
            while (ea.MoveNext() && eb.MoveNext())
            {
                if (ea.Current.Key != eb.Current.Key || !Same(ea.Current.Value, eb.Current.Value))
                {
                    return false;
                }
            }
        }

        for (var i = 0; i < a.JobCount; i++)
        {
            if (!Same(a.JobsIfAny![i], b.JobsIfAny![i]))
            {
                return false;
            }
        }

        return true;
    }

    public static bool Same(JobEntry? a, JobEntry? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.JobId == b.JobId && a.AuthToken == b.AuthToken && a.Status == b.Status && a.LastSeq == b.LastSeq);

    /// <summary>Timestamps are the same when they are written the same (instant and offset).</summary>
    private static bool Same(DateTimeOffset? a, DateTimeOffset? b) => a == b && a?.Offset == b?.Offset;

    private static bool Same(PaneInfo? a, PaneInfo? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Pid == b.Pid && a.Cmd == b.Cmd && a.Cwd == b.Cwd && a.Socket == b.Socket && a.Id == b.Id);

    private static bool Same(IDictionary<string, string?>? a, IDictionary<string, string?>? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        if (a is null || b is null)
        {
            return true; // a null is written as an empty mapping
        }

        using var ea = a.GetEnumerator();
        using var eb = b.GetEnumerator();
        while (ea.MoveNext() && eb.MoveNext())
        {
            if (ea.Current.Key != eb.Current.Key || ea.Current.Value != eb.Current.Value)
            {
                return false;
            }
        }

        return true;
    }
}
