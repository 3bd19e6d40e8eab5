using System.Text.Json;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>What the fleet's broker holds: every host, its presence and its workspaces' verified statuses.</summary>
public sealed class FleetSnapshot
{
    /// <summary>Gets the hosts, by id (ordinal).</summary>
    public required IReadOnlyList<FleetHost> Hosts { get; init; }

    /// <summary>Gets how many messages failed verification (wrong key, not canonical, host or workspace not the topic's) and were not shown.</summary>
    public required int Rejected { get; init; }
}

/// <summary>One host of a <see cref="FleetSnapshot"/>.</summary>
public sealed class FleetHost
{
    /// <summary>Gets the host id.</summary>
    public required string Host { get; init; }

    /// <summary>Gets whether the host is online (its presence message), or <see langword="null"/> when it has none.</summary>
    public required bool? Online { get; init; }

    /// <summary>Gets the host's workspaces, by name (ordinal).</summary>
    public required IReadOnlyList<FleetWorkspace> Workspaces { get; init; }
}

/// <summary>One workspace's verified status.</summary>
public sealed class FleetWorkspace
{
    /// <summary>Gets the workspace name.</summary>
    public required string Workspace { get; init; }

    /// <summary>Gets when the host published the status.</summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>Gets the longest the host waits between two publishes.</summary>
    public required TimeSpan Interval { get; init; }

    /// <summary>Gets a value indicating whether the status is older than three of its intervals.</summary>
    public required bool Stale { get; init; }

    /// <summary>Gets the verified payload: the <c>status --json</c> object plus <c>host</c>, <c>published_at</c>, <c>interval</c> and <c>sig</c>.</summary>
    public required JsonElement Status { get; init; }
}
