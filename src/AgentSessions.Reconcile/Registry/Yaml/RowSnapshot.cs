namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// The values of a session row as loaded, taken before a change is applied, so the composer can
/// reuse the parsed node of every row the change did not touch instead of composing it again.
/// </summary>
internal sealed class RowSnapshot
{
    private readonly SessionRow row;
    private readonly string name;
    private readonly string? agent;
    private readonly string? project;
    private readonly string? cwd;
    private readonly SessionStatus? status;
    private readonly SessionStatus? lastVisibleStatus;
    private readonly string? lastVisibleNote;
    private readonly DateTimeOffset? createdAt;
    private readonly DateTimeOffset? updatedAt;
    private readonly DateTimeOffset? terminatedAt;
    private readonly string? terminationMode;
    private readonly bool? resumable;
    private readonly PaneInfo? paneRef;
    private readonly long? panePid;
    private readonly string? paneCmd;
    private readonly string? paneCwd;
    private readonly string? claudeOwn;
    private readonly string? agyOwn;
    private readonly (string Agent, IDictionary<string, string?> Ref, KeyValuePair<string, string?>[] Fields)[] identities;
    private readonly (JobEntry Ref, string Id, string? Token, JobStatus? Status)[] jobs;

    public RowSnapshot(SessionRow row)
    {
        this.row = row;
        name = row.Name;
        agent = row.Agent;
        project = row.Project;
        cwd = row.Cwd;
        status = row.Status;
        lastVisibleStatus = row.LastVisibleStatus;
        lastVisibleNote = row.LastVisibleNote;
        createdAt = row.CreatedAt;
        updatedAt = row.UpdatedAt;
        terminatedAt = row.TerminatedAt;
        terminationMode = row.TerminationMode;
        resumable = row.Resumable;
        paneRef = row.Pane;
        panePid = row.Pane?.Pid;
        paneCmd = row.Pane?.Cmd;
        paneCwd = row.Pane?.Cwd;
        claudeOwn = row.ClaudeSessionIdOwn;
        agyOwn = row.AgySessionIdOwn;
        identities = [.. row.AgentIdentities.Select(a => (a.Key, a.Value, a.Value.ToArray()))];
        jobs = [.. row.Jobs.Select(j => (j, j.JobId, j.AuthToken, j.Status))];
    }

    /// <summary>Gets a value indicating whether <paramref name="current"/> is the snapshotted row, unchanged in every field (ordinal, in order).</summary>
    public bool Unchanged(SessionRow current)
    {
        if (!ReferenceEquals(current, row)
            || !Eq(current.Name, name) || !Eq(current.Agent, agent) || !Eq(current.Project, project) || !Eq(current.Cwd, cwd)
            || current.Status != status || current.LastVisibleStatus != lastVisibleStatus || !Eq(current.LastVisibleNote, lastVisibleNote)
            || !SameInstant(current.CreatedAt, createdAt) || !SameInstant(current.UpdatedAt, updatedAt) || !SameInstant(current.TerminatedAt, terminatedAt)
            || !Eq(current.TerminationMode, terminationMode) || current.Resumable != resumable
            || !ReferenceEquals(current.Pane, paneRef) || current.Pane?.Pid != panePid || !Eq(current.Pane?.Cmd, paneCmd) || !Eq(current.Pane?.Cwd, paneCwd)
            || !Eq(current.ClaudeSessionIdOwn, claudeOwn) || !Eq(current.AgySessionIdOwn, agyOwn)
            || current.AgentIdentities.Count != identities.Length || current.Jobs.Count != jobs.Length)
        {
            return false;
        }

        var i = 0;
        foreach (var (key, fields) in current.AgentIdentities)
        {
            var (snapKey, snapRef, snapFields) = identities[i++];
            if (!Eq(key, snapKey) || !ReferenceEquals(fields, snapRef) || fields.Count != snapFields.Length)
            {
                return false;
            }

            var k = 0;
            foreach (var (field, value) in fields)
            {
                if (!Eq(field, snapFields[k].Key) || !Eq(value, snapFields[k].Value))
                {
                    return false;
                }

                k++;
            }
        }

        for (var j = 0; j < jobs.Length; j++)
        {
            var job = current.Jobs[j];
            if (!ReferenceEquals(job, jobs[j].Ref) || !Eq(job.JobId, jobs[j].Id) || !Eq(job.AuthToken, jobs[j].Token) || job.Status != jobs[j].Status)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Eq(string? a, string? b) => string.Equals(a, b, StringComparison.Ordinal);

    // Equal instants with different offsets are different values to write.
    private static bool SameInstant(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b is null : b is not null && a.Value.EqualsExact(b.Value);
}
