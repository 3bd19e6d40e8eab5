namespace AgentSessions.Reconcile.Testing;

/// <summary>
/// An in-memory <see cref="IDriftStateStore"/> for tests: pass it to <c>Reconciler.Create</c> so
/// a reconciler over a <see cref="FakeRegistryStore"/> writes no file. It keeps a copy of each
/// saved state, and can be told to fail. All members are thread-safe.
/// </summary>
public sealed class FakeDriftStateStore : IDriftStateStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DriftState> _states = new(StringComparer.Ordinal);

    /// <summary>Gets or sets an exception that every <see cref="Load"/> and <see cref="Save"/> throws while set (for example an <see cref="IOException"/>).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Gets a copy of a workspace's state as saved last (empty when never saved).</summary>
    /// <param name="workspace">The workspace name.</param>
    /// <returns>The state.</returns>
    public DriftState Current(string workspace) =>
        _gate.Read(() => _states.TryGetValue(workspace, out var state) ? Copy(state) : new DriftState());

    /// <inheritdoc />
    public DriftState Load(string workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        if (Failure is { } failure)
        {
            throw failure;
        }

        return Current(workspace);
    }

    /// <inheritdoc />
    public void Save(string workspace, DriftState state)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(state);
        if (Failure is { } failure)
        {
            throw failure;
        }

        _gate.Run(() => _states[workspace] = Copy(state));
    }

    private static DriftState Copy(DriftState state)
    {
        var copy = new DriftState();
        state.Reported.ToList().ForEach(p => copy.Reported.Add(p));
        state.EndStateAliveFirstSeen.ToList().ForEach(p => copy.EndStateAliveFirstSeen.Add(p));
        return copy;
    }
}
