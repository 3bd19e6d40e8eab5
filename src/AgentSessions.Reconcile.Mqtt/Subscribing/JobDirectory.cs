namespace AgentSessions.Reconcile.Mqtt;

/// <summary>
/// The registry's jobs by id, for the verifier (their tokens and the <c>last_seq</c> a monitor applied): loaded again only when the registry file changed
/// (its write time or length), so a flood of events costs one stat each, not one parse each.
/// </summary>
internal sealed class JobDirectory(IRegistryStore store)
{
    private Dictionary<string, JobEntry> _jobs = new(StringComparer.Ordinal);
    private (DateTime WrittenAt, long Length)? _stamp;

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var file = new FileInfo(store.RegistryPath);
        var stamp = file.Exists ? (file.LastWriteTimeUtc, file.Length) : (DateTime.MinValue, -1L);
        if (_stamp == stamp)
        {
            return;
        }

        var registry = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        var jobs = new Dictionary<string, JobEntry>(StringComparer.Ordinal);
        foreach (var job in registry.Sessions.SelectMany(row => row.Jobs))
        {
            jobs.TryAdd(job.JobId, new JobEntry(job.JobId) { AuthToken = job.AuthToken, Status = job.Status, LastSeq = job.LastSeq });
        }

        _jobs = jobs;
        _stamp = stamp;
    }

    public JobEntry? Find(string jobId) => _jobs.GetValueOrDefault(jobId);
}
