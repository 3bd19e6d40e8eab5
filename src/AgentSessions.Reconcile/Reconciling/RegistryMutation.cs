namespace AgentSessions.Reconcile.Reconciling;

/// <summary>The outcome of applying one mutation to the registry as it is at write time.</summary>
/// <param name="Applied">Whether the registry was changed.</param>
/// <param name="SkipReason">Why it was left as is (a person's action wins), or <see langword="null"/>.</param>
/// <param name="AlreadyDone">Whether the change was found already made under the lock (another monitor made it).</param>
internal readonly record struct MutationOutcome(bool Applied, string? SkipReason, bool AlreadyDone = false)
{
    public static MutationOutcome Done { get; } = new(true, null);

    public static MutationOutcome Skip(string reason) => new(false, reason);

    public static MutationOutcome FoundDone(string reason) => new(false, reason, AlreadyDone: true);
}

/// <summary>
/// One change the diff wants, re-checked against the registry as it is under the store's lock:
/// it applies only if the facts it was planned on still hold.
/// </summary>
internal abstract class RegistryMutation
{
    protected RegistryMutation(string session) => Session = session;

    public string Session { get; }

    /// <summary>Gets a mutation that must have been applied for this one to apply (a registration).</summary>
    public RegistryMutation? DependsOn { get; init; }

    public abstract MutationOutcome Apply(Registry current);

    protected static string Word(SessionStatus? status) => DriftDiff.Word(status);
}

/// <summary>Drift A: a running row whose tmux session is gone becomes terminated.</summary>
internal sealed class MarkTerminatedMutation : RegistryMutation
{
    public MarkTerminatedMutation(string session, long? seenPid, DateTimeOffset now)
        : base(session)
    {
        SeenPid = seenPid;
        Now = now;
    }

    public long? SeenPid { get; }

    public DateTimeOffset Now { get; }

    public override MutationOutcome Apply(Registry current)
    {
        var row = current.Find(Session);
        if (row is null)
        {
            return MutationOutcome.Skip("the row was removed meanwhile");
        }

        if (row.Status == SessionStatus.Terminated)
        {
            return MutationOutcome.FoundDone("the row was terminated meanwhile");
        }

        if (row.Status != SessionStatus.Running)
        {
            return MutationOutcome.Skip($"the row is now {Word(row.Status)}");
        }

        if (row.Pane?.Pid != SeenPid)
        {
            return MutationOutcome.Skip("the row's pane changed meanwhile");
        }

        row.Status = SessionStatus.Terminated;
        row.TerminatedAt = Now;
        row.TerminationMode = "auto-detected";
        row.UpdatedAt = Now;
        return MutationOutcome.Done;
    }
}

/// <summary>
/// Not a drift: a running row seen alive records where (<c>pane.socket</c>, <c>pane.id</c>, <c>pane.pid</c>),
/// so a pass that asks another server cannot take it for dead. The recorded command and folder are
/// kept while the pid is the same pane's; a new pane brings its own. <c>updated_at</c> is not touched.
/// </summary>
internal sealed class RecordPaneMutation : RegistryMutation
{
    public RecordPaneMutation(string session, long? seenPid, string socket, TmuxPane pane)
        : base(session)
    {
        SeenPid = seenPid;
        Socket = socket;
        Pane = pane;
    }

    public long? SeenPid { get; }

    public string Socket { get; }

    public TmuxPane Pane { get; }

    public override MutationOutcome Apply(Registry current)
    {
        var row = current.Find(Session);
        if (row is null || row.Status != SessionStatus.Running || row.Pane?.Pid != SeenPid)
        {
            return MutationOutcome.Skip("the row changed meanwhile");
        }

        var pane = row.Pane ??= new PaneInfo();
        if (pane.Pid != Pane.Pid)
        {
            (pane.Cmd, pane.Cwd) = (null, null);
        }

        pane.Pid = Pane.Pid;
        pane.Cmd ??= Pane.CurrentCommand;
        pane.Cwd ??= Pane.CurrentPath;
        pane.Socket = Socket;
        pane.Id = Pane.Id;
        return MutationOutcome.Done;
    }
}

/// <summary>Drift B: a live tmux session named like this workspace's agents gets a row.</summary>
internal sealed class RegisterMutation : RegistryMutation
{
    private readonly SessionRow _template;

    public RegisterMutation(SessionRow template)
        : base(template.Name) => _template = template;

    public SessionRow Template => _template;

    public override MutationOutcome Apply(Registry current)
    {
        if (current.Find(Session) is { } existing)
        {
            return MutationOutcome.FoundDone($"a row was registered meanwhile ({Word(existing.Status)})");
        }

        current.Sessions.Add(new SessionRow(_template.Name)
        {
            Agent = _template.Agent,
            Project = _template.Project,
            Cwd = _template.Cwd,
            Status = _template.Status,
            LastVisibleStatus = _template.LastVisibleStatus,
            LastVisibleNote = _template.LastVisibleNote,
            CreatedAt = _template.CreatedAt,
            UpdatedAt = _template.UpdatedAt,
            Pane = _template.Pane is null ? null : new PaneInfo { Pid = _template.Pane.Pid, Cmd = _template.Pane.Cmd, Cwd = _template.Pane.Cwd, Socket = _template.Pane.Socket, Id = _template.Pane.Id },
        });
        return MutationOutcome.Done;
    }
}

/// <summary>Drift C: an empty own session id is filled with the id that materialized.</summary>
internal sealed class FillOwnIdMutation : RegistryMutation
{
    public FillOwnIdMutation(string session, AgentIds kind, string id, DateTimeOffset now)
        : base(session)
    {
        Kind = kind;
        Id = id;
        Now = now;
    }

    public AgentIds Kind { get; }

    public string Id { get; }

    public DateTimeOffset Now { get; }

    public override MutationOutcome Apply(Registry current)
    {
        var row = current.Find(Session);
        if (row is null)
        {
            return MutationOutcome.Skip("the row was removed meanwhile");
        }

        if (row.IsInEndState)
        {
            return MutationOutcome.Skip($"the row is now {Word(row.Status)}");
        }

        var existing = Kind.Own(row);
        if (string.Equals(existing, Id, StringComparison.Ordinal))
        {
            return MutationOutcome.FoundDone("the id was recorded meanwhile");
        }

        if (!string.IsNullOrEmpty(existing))
        {
            return MutationOutcome.Skip($"the id was set meanwhile to {existing}");
        }

        if (new IdOwners(current).UsedByOther(Id, Session))
        {
            return MutationOutcome.Skip("another row took this id meanwhile");
        }

        Kind.SetOwn(row, Id);

        row.UpdatedAt = Now;
        return MutationOutcome.Done;
    }
}

/// <summary>
/// Not a drift: a running row with a live tmux session whose last visible status is not
/// <c>running</c> gets <c>running</c> and a note from a pane capture.
/// </summary>
internal sealed class RefreshVisibleMutation : RegistryMutation
{
    public RefreshVisibleMutation(string session, string note, DateTimeOffset now)
        : base(session)
    {
        Note = note;
        Now = now;
    }

    public string Note { get; }

    public DateTimeOffset Now { get; }

    public override MutationOutcome Apply(Registry current)
    {
        var row = current.Find(Session);
        if (row is null || row.Status != SessionStatus.Running || row.LastVisibleStatus == SessionStatus.Running)
        {
            return MutationOutcome.Skip("the row changed meanwhile");
        }

        row.LastVisibleStatus = SessionStatus.Running;
        row.LastVisibleNote = Note;
        row.UpdatedAt = Now;
        return MutationOutcome.Done;
    }
}
