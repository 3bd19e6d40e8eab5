using RegistryModel = AgentSessions.Reconcile.Registry;
using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Testing;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>Test data from the seed's examples.</summary>
internal static class Some
{
    public const string Root = "/home/u/lab";
    public static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Now = T0.AddMinutes(30);

    public static SessionRow Row(
        string name,
        SessionStatus? status = SessionStatus.Running,
        string? cwd = Root + "/landing-page",
        long? pid = 201132,
        string cmd = "claude",
        DateTimeOffset? created = null,
        string? agent = null)
    {
        return new SessionRow(name)
        {
            Agent = agent ?? (name.EndsWith("-agy", StringComparison.Ordinal) ? "agy" : "claude"),
            Cwd = cwd,
            Status = status,
            LastVisibleStatus = status,
            CreatedAt = created ?? T0,
            UpdatedAt = created ?? T0,
            Pane = new PaneInfo { Pid = pid, Cmd = cmd, Cwd = cwd },
        };
    }

    public static RegistryModel Registry(params SessionRow[] rows)
    {
        var registry = new RegistryModel { Workspace = "lab" };
        foreach (var row in rows)
        {
            registry.Sessions.Add(row);
        }

        return registry;
    }

    public static DiffOptions Options(TimeSpan? grace = null) => new("lab", grace ?? TimeSpan.FromSeconds(5));

    /// <summary>Observes a fake probe the way the reconciler does (one call).</summary>
    public static LiveState Observe(RegistryModel registry, FakeSessionProbe probe, string workspace = "lab") =>
        probe.ObserveAsync(registry, workspace).GetAwaiter().GetResult();

    public static DiffResult Diff(RegistryModel registry, FakeSessionProbe probe, DateTimeOffset? now = null, IReadOnlyDictionary<string, DateTimeOffset>? firstSeen = null, TimeSpan? grace = null) =>
        DriftDiff.Compute(registry, Observe(registry, probe), now ?? Now, Options(grace), firstSeen ?? new Dictionary<string, DateTimeOffset>());

    /// <summary>Applies a diff's mutations to a copy of the registry and returns the copy.</summary>
    public static RegistryModel ApplyTo(RegistryModel registry, DiffResult diff)
    {
        var copy = RegistryCloner.Clone(registry);
        DefaultReconciler.ApplyAll(copy, diff.Drifts.Where(d => d.Mutation is not null).Select(d => d.Mutation!).ToList());
        return copy;
    }

    public static string Text(SessionRow row)
    {
        var r = new RegistryModel();
        r.Sessions.Add(row);
        return RegistryCloner.ToCanonicalText(r);
    }
}
