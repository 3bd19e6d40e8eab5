using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile;

/// <summary>
/// What the registered rules need observed in one pass, per source: asked of each rule
/// (<see cref="DriftRule.Need"/>) once tmux is known, then read by the sources. A source nobody
/// asked about is still free to observe; a rule never asks how.
/// </summary>
internal sealed class ObservationNeeds(Registry registry, TmuxState tmux, string workspace)
{
    private readonly Dictionary<object, ArtifactRequest> _wanted = new(ReferenceEqualityComparer.Instance);
    private IReadOnlyList<TmuxSession>? _unregistered;

    public Registry Registry { get; } = registry;

    public TmuxState Tmux { get; } = tmux;

    public string Workspace { get; } = workspace;

    /// <summary>Gets the live sessions named like this workspace's agents that no row names (found once per pass).</summary>
    public IReadOnlyList<TmuxSession> Unregistered => _unregistered ??= SessionName.FindUnregistered(Registry, Tmux, Workspace);

    /// <summary>Asks the rules what they need for this registry and tmux snapshot.</summary>
    public static ObservationNeeds For(Registry registry, TmuxState tmux, string workspace, IEnumerable<DriftRule> rules)
    {
        var needs = new ObservationNeeds(registry, tmux, workspace);
        foreach (var rule in rules)
        {
            rule.Need(needs);
        }

        return needs;
    }

    /// <summary>Says that a rule needs this observation, and returns what to look at for it (directories, ids).</summary>
    public ArtifactRequest Of<T>(ObservationKey<T> key)
        where T : class
    {
        return _wanted.TryGetValue(key, out var request) ? request : _wanted[key] = new ArtifactRequest();
    }

    /// <summary>Whether any rule needs this observation.</summary>
    public bool Wants<T>(ObservationKey<T> key)
        where T : class => _wanted.ContainsKey(key);

    /// <summary>What to look at for an observation; empty when no rule asked.</summary>
    public ArtifactRequest Request<T>(ObservationKey<T> key)
        where T : class => _wanted.TryGetValue(key, out var request) ? request : new ArtifactRequest();
}

/// <summary>Which working directories and ids a source looks at in one pass.</summary>
internal sealed class ArtifactRequest
{
    /// <summary>Gets the working directories to look in (for example whose transcripts to list).</summary>
    public ISet<string> Cwds { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets the recorded ids whose file's existence should be checked.</summary>
    public ISet<string> Ids { get; } = new HashSet<string>(StringComparer.Ordinal);
}
