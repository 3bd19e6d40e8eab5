namespace AgentSessions.Reconcile.Probing;

/// <summary>
/// One source of live state besides tmux (Claude transcripts, agy conversations …): it adds what
/// it saw for this pass's <see cref="ObservationNeeds"/> to the live state. Read-only; bounded (a
/// source that runs a process gives it a timeout). Most sources derive from <see cref="LiveSource{T}"/>.
/// </summary>
internal interface ILiveSource
{
    ValueTask<LiveState> ObserveAsync(ObservationNeeds needs, LiveState live, CancellationToken cancellationToken);
}

/// <summary>A source of one observation read synchronously (files); one that fails to read is unknown with the reason, never empty.</summary>
internal abstract class LiveSource<T>(ObservationKey<T> key) : ILiveSource
    where T : class
{
    public ObservationKey<T> Key { get; } = key;

    public ValueTask<LiveState> ObserveAsync(ObservationNeeds needs, LiveState live, CancellationToken cancellationToken)
    {
        T seen;
        try
        {
            seen = See(needs, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            seen = Key.Unknown($"the {Key.Name} probe failed: {ex.Message}");
        }

        return ValueTask.FromResult(live.With(Key, seen));
    }

    /// <summary>Looks at what the needs ask of this source's key.</summary>
    protected abstract T See(ObservationNeeds needs, CancellationToken cancellationToken);
}
