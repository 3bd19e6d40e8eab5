namespace AgentSessions.Reconcile.Testing;

/// <summary>
/// An in-memory <see cref="IRegistryStore"/> for tests. It holds one <see cref="Registry"/>;
/// <see cref="LoadAsync"/> hands out deep copies, and <see cref="UpdateAsync{TResult}"/> behaves
/// like the real store: it serializes updates (the "lock"), re-reads the current registry,
/// applies the change to a copy, validates it (names present and unique), and swaps it in only
/// when its content changed and the update is not a dry run. Tests can script a concurrent
/// person's write (<see cref="BeforeNextUpdate"/>) and failures (<see cref="FailNextLoad"/>,
/// <see cref="FailNextUpdate"/>).
/// </summary>
public sealed class FakeRegistryStore : IRegistryStore
{
    private readonly Lock _sync = new();
    private Registry _registry;
    private RegistryException? _nextLoadFailure;
    private RegistryException? _nextUpdateFailure;
    private int _loadCount;
    private int _updateCount;
    private int _writeCount;

    /// <summary>Initializes a new instance of the <see cref="FakeRegistryStore"/> class.</summary>
    /// <param name="initial">The starting registry (copied), or <see langword="null"/> for an empty one.</param>
    /// <param name="workspaceRoot">
    /// The workspace root to report; the store reads and writes nothing there. <see langword="null"/>
    /// (the default) names a fresh folder under the temp folder (not created), so that whatever a
    /// reconciler keeps beside the workspace (its coalescing state) never lands outside it.
    /// </param>
    public FakeRegistryStore(Registry? initial = null, string? workspaceRoot = null)
    {
        workspaceRoot ??= Path.Combine(Path.GetTempPath(), "agent-sessions-fake-" + Guid.NewGuid().ToString("N")[..12]);
        ArgumentException.ThrowIfNullOrEmpty(workspaceRoot);
        _registry = initial is null ? new Registry() : RegistryCloner.Clone(initial);
        WorkspaceRoot = workspaceRoot;
        RegistryPath = Path.Combine(workspaceRoot, ".hermes", "agent-sessions.yaml");
    }

    /// <inheritdoc />
    public string RegistryPath { get; }

    /// <inheritdoc />
    public string WorkspaceRoot { get; }

    /// <summary>Gets a deep copy of the registry as it is now.</summary>
    public Registry Current => _sync.Read(() => RegistryCloner.Clone(_registry));

    /// <summary>Gets how many times <see cref="LoadAsync"/> was called (failed calls included).</summary>
    public int LoadCount => Volatile.Read(ref _loadCount);

    /// <summary>Gets how many times <see cref="UpdateAsync{TResult}"/> was called (dry runs and failed calls included).</summary>
    public int UpdateCount => Volatile.Read(ref _updateCount);

    /// <summary>Gets how many updates changed the stored registry (never a dry run, never an unchanged update).</summary>
    public int WriteCount => Volatile.Read(ref _writeCount);

    /// <summary>
    /// Gets or sets a callback that the next <see cref="UpdateAsync{TResult}"/> runs once, under
    /// the lock and before it re-reads the registry. It receives the stored registry itself: what it
    /// changes is what the update then sees, as if another writer (a person, a skill) had written
    /// the file between the caller's probe and its apply. It is cleared before it runs, and its
    /// change is not counted in <see cref="WriteCount"/>.
    /// </summary>
    public Action<Registry>? BeforeNextUpdate { get; set; }

    /// <summary>Replaces the stored registry with a copy of <paramref name="registry"/>, as a person editing the file would.</summary>
    /// <param name="registry">The new content.</param>
    public void Set(Registry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _sync.Run(() => _registry = RegistryCloner.Clone(registry));
    }

    /// <summary>Changes the stored registry in place, as a person editing the file would (not counted as a write).</summary>
    /// <param name="edit">The change.</param>
    public void Edit(Action<Registry> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        _sync.Run(() => edit(_registry));
    }

    /// <summary>Makes the next <see cref="LoadAsync"/> throw <paramref name="exception"/>.</summary>
    /// <param name="exception">The error to throw once.</param>
    public void FailNextLoad(RegistryException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _sync.Run(() => _nextLoadFailure = exception);
    }

    /// <summary>Makes the next <see cref="UpdateAsync{TResult}"/> throw <paramref name="exception"/> before it applies anything.</summary>
    /// <param name="exception">The error to throw once.</param>
    public void FailNextUpdate(RegistryException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        _sync.Run(() => _nextUpdateFailure = exception);
    }

    /// <inheritdoc />
    public Task<Registry> LoadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _loadCount);
        lock (_sync)
        {
            if (_nextLoadFailure is { } failure)
            {
                _nextLoadFailure = null;
                return Task.FromException<Registry>(failure);
            }

            return Task.FromResult(RegistryCloner.Clone(_registry));
        }
    }

    /// <inheritdoc />
    public Task<RegistryUpdateResult<TResult>> UpdateAsync<TResult>(
        Func<Registry, TResult> apply,
        RegistryUpdateOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apply);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _updateCount);

        // The whole update runs under one monitor: that is this fake's file lock.
        lock (_sync)
        {
            if (_nextUpdateFailure is { } failure)
            {
                _nextUpdateFailure = null;
                return Task.FromException<RegistryUpdateResult<TResult>>(failure);
            }

            var hook = BeforeNextUpdate;
            BeforeNextUpdate = null;
            hook?.Invoke(_registry);

            var working = RegistryCloner.Clone(_registry);
            TResult value;
            try
            {
                value = apply(working);
                Validate(working);
            }
            catch (Exception ex)
            {
                return Task.FromException<RegistryUpdateResult<TResult>>(ex);
            }

            var changed = !RegistryCloner.ContentEquals(_registry, working);
            var written = changed && options?.DryRun != true;
            if (written)
            {
                _registry = RegistryCloner.Clone(working);
                Interlocked.Increment(ref _writeCount);
            }

            return Task.FromResult(new RegistryUpdateResult<TResult>(
                value,
                changed,
                written,
                working,
                changed ? RegistryCloner.ToCanonicalText(working) : null));
        }
    }

    private void Validate(Registry registry)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < registry.Sessions.Count; i++)
        {
            var row = registry.Sessions[i];
            if (string.IsNullOrEmpty(row.Name))
            {
                throw new RegistryException(RegistryErrorKind.Schema, RegistryPath, $"{RegistryPath}: sessions[{i}].name is empty.", field: $"sessions[{i}].name");
            }

            if (!names.Add(row.Name))
            {
                throw new RegistryException(RegistryErrorKind.Schema, RegistryPath, $"{RegistryPath}: sessions[{i}].name '{row.Name}' is used by more than one session.", field: $"sessions[{i}].name");
            }
        }
    }
}
