namespace AgentSessions.Reconcile;

/// <summary>
/// Everything one reconcile pass observed, in one answer from <see cref="ISessionProbe.ObserveAsync"/>:
/// the tmux snapshot, and one observation per registered source (Claude Code's transcripts, agy's
/// conversations …), each found by its <see cref="ObservationKey{T}"/>. An observation no source
/// made reads as unknown, never as "gone".
/// </summary>
public sealed class LiveState
{
    private readonly Dictionary<object, object> _seen;
    private readonly string? _unknownReason;

    /// <summary>Initializes a new instance of the <see cref="LiveState"/> class, with tmux and no other observation yet.</summary>
    /// <param name="tmux">The tmux snapshot.</param>
    public LiveState(TmuxState tmux)
        : this(tmux, new Dictionary<object, object>(ReferenceEqualityComparer.Instance), null)
    {
    }

    private LiveState(TmuxState tmux, Dictionary<object, object> seen, string? unknownReason)
    {
        ArgumentNullException.ThrowIfNull(tmux);
        Tmux = tmux;
        _seen = seen;
        _unknownReason = unknownReason;
    }

    /// <summary>Gets the tmux snapshot.</summary>
    public TmuxState Tmux { get; }

    /// <summary>A copy of this live state with one more observation (or another in its place).</summary>
    /// <typeparam name="T">The observation's type.</typeparam>
    /// <param name="key">Which observation (for example <see cref="LiveKeys.Claude"/>).</param>
    /// <param name="observation">What was seen.</param>
    /// <returns>The new live state.</returns>
    public LiveState With<T>(ObservationKey<T> key, T observation)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(observation);
        return new LiveState(Tmux, new Dictionary<object, object>(_seen, ReferenceEqualityComparer.Instance) { [key] = observation }, _unknownReason);
    }

    /// <summary>An observation: what a source saw, or, when none saw it this pass, its unknown form.</summary>
    /// <typeparam name="T">The observation's type.</typeparam>
    /// <param name="key">Which observation.</param>
    /// <returns>The observation.</returns>
    public T Get<T>(ObservationKey<T> key)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        return _seen.TryGetValue(key, out var seen) ? (T)seen : key.Unknown(_unknownReason ?? $"{key.Name} was not observed this pass.");
    }

    /// <summary>The live state of a pass whose probe failed: tmux and every source unknown, with the reason.</summary>
    internal static LiveState Failed(string reason) =>
        new(TmuxState.Unknown(reason), new Dictionary<object, object>(ReferenceEqualityComparer.Instance), reason);
}
