using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// The outcome of applying one mutation to the registry as it is at write time: applied, or skipped with
/// the reason (a person's action wins); <c>AlreadyDone</c> when the change was found already made under
/// the lock (another monitor made it).
/// </summary>
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
internal abstract class RegistryMutation(string session)
{
    public string Session { get; } = session;

    /// <summary>Gets a mutation that must have been applied for this one to apply (a registration).</summary>
    public RegistryMutation? DependsOn { get; init; }

    public abstract MutationOutcome Apply(Registry current);
}

/// <summary>Drift A: a running row whose tmux session is gone becomes terminated.</summary>
internal sealed class MarkTerminatedMutation(string session, long? seenPid, DateTimeOffset now) : RegistryMutation(session)
{
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
            return MutationOutcome.Skip($"the row is now {DriftDiff.Word(row.Status)}");
        }

        if (row.Pane?.Pid != seenPid)
        {
            return MutationOutcome.Skip("the row's pane changed meanwhile");
        }

        row.Status = SessionStatus.Terminated;
        row.TerminatedAt = now;
        row.TerminationMode = "auto-detected";
        row.UpdatedAt = now;
        return MutationOutcome.Done;
    }
}

/// <summary>
/// Not a drift: a running row seen alive records where (<c>pane.socket</c>, <c>pane.id</c>, <c>pane.pid</c>),
/// so a pass that asks another server cannot take it for dead. The recorded command and folder are
/// kept while the pid is the same pane's; a new pane brings its own. <c>updated_at</c> is not touched.
/// </summary>
internal sealed class RecordPaneMutation(string session, long? seenPid, string socket, TmuxPane seen) : RegistryMutation(session)
{
    public override MutationOutcome Apply(Registry current)
    {
        var row = current.Find(Session);
        if (row is null || row.Status != SessionStatus.Running || row.Pane?.Pid != seenPid)
        {
            return MutationOutcome.Skip("the row changed meanwhile");
        }

        var pane = row.Pane ??= new PaneInfo();
        if (pane.Pid != seen.Pid)
        {
            (pane.Cmd, pane.Cwd) = (null, null);
        }

        pane.Pid = seen.Pid;
        pane.Cmd ??= seen.CurrentCommand;
        pane.Cwd ??= seen.CurrentPath;
        pane.Socket = socket;
        pane.Id = seen.Id;
        return MutationOutcome.Done;
    }
}

/// <summary>Drift B: a live tmux session named like this workspace's agents gets a row.</summary>
internal sealed class RegisterMutation(SessionRow template) : RegistryMutation(template.Name)
{
    public SessionRow Template => template;

    public override MutationOutcome Apply(Registry current)
    {
        if (current.Find(Session) is { } existing)
        {
            return MutationOutcome.FoundDone($"a row was registered meanwhile ({DriftDiff.Word(existing.Status)})");
        }

        current.Sessions.Add(RowValues.Clone(template));
        return MutationOutcome.Done;
    }
}

/// <summary>
/// Drift C: an empty own session id is filled with the id that materialized. After <c>/clear</c>
/// (<paramref name="clearedFrom"/>), the row's own id moves forward instead and the old one is appended to
/// <c>agent_identities.&lt;agent&gt;.cleared_session_ids</c>.
/// </summary>
internal sealed class FillOwnIdMutation(string session, AgentIds kind, string id, DateTimeOffset now, string? clearedFrom = null) : RegistryMutation(session)
{
    /// <summary>The key under <c>agent_identities.claude</c>: the ids a row's agent cleared, oldest first, separated by spaces.</summary>
    public const string ClearedKey = "cleared_session_ids";

    public override MutationOutcome Apply(Registry current)
    {
        var row = current.Find(Session);
        if (row is null)
        {
            return MutationOutcome.Skip("the row was removed meanwhile");
        }

        if (clearedFrom is null && row.IsInEndState)
        {
            return MutationOutcome.Skip($"the row is now {DriftDiff.Word(row.Status)}");
        }

        var existing = kind.Own(row);
        if (string.Equals(existing, id, StringComparison.Ordinal))
        {
            return MutationOutcome.FoundDone(clearedFrom is null ? "the id was recorded meanwhile" : "the id was moved meanwhile");
        }

        if (clearedFrom is null ? !string.IsNullOrEmpty(existing) : !string.Equals(existing, clearedFrom, StringComparison.Ordinal))
        {
            return MutationOutcome.Skip($"the id was set meanwhile to {existing ?? "null"}");
        }

        if (new IdOwners(current).UsedByOther(id, Session))
        {
            return MutationOutcome.Skip("another row took this id meanwhile");
        }

        if (clearedFrom is not null)
        {
            if (!row.AgentIdentities.TryGetValue(kind.Agent, out var fields) || fields is null)
            {
                row.AgentIdentities[kind.Agent] = fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            }

            var kept = (fields.TryGetValue(ClearedKey, out var list) ? list?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList() : null) ?? [];
            if (!kept.Contains(clearedFrom, StringComparer.Ordinal))
            {
                kept.Add(clearedFrom);
            }

            fields[ClearedKey] = string.Join(' ', kept);
        }

        kind.SetOwn(row, id);
        row.UpdatedAt = now;
        return MutationOutcome.Done;
    }
}

/// <summary>
/// Not a drift: a running row with a live tmux session whose last visible status is not
/// <c>running</c> gets <c>running</c> and a note from a pane capture.
/// </summary>
internal sealed class RefreshVisibleMutation(string session, string note, DateTimeOffset now) : RegistryMutation(session)
{
    public override MutationOutcome Apply(Registry current)
    {
        var row = current.Find(Session);
        if (row is null || row.Status != SessionStatus.Running || row.LastVisibleStatus == SessionStatus.Running)
        {
            return MutationOutcome.Skip("the row changed meanwhile");
        }

        row.LastVisibleStatus = SessionStatus.Running;
        row.LastVisibleNote = note;
        row.UpdatedAt = now;
        return MutationOutcome.Done;
    }
}
