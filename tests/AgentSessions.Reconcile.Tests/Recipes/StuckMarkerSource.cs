using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Tests.Recipes;

/// <summary>
/// A test-only live-state source, written as docs/architecture.md's recipe says: its key, and what
/// it sees of what the rules asked (which of the asked folders hold a <c>.stuck</c> file).
/// </summary>
internal sealed class StuckMarkerSource(IFileSystem fileSystem) : LiveSource<IReadOnlySet<string>>(Markers)
{
    /// <summary>The folders that hold a <c>.stuck</c> file; unknown reads as none.</summary>
    public static readonly ObservationKey<IReadOnlySet<string>> Markers = new("stuck markers", _ => new HashSet<string>(StringComparer.Ordinal));

    protected override IReadOnlySet<string> See(ObservationNeeds needs, CancellationToken cancellationToken) =>
        needs.Request(Key).Cwds.Where(cwd => fileSystem.File.Exists(fileSystem.Path.Combine(cwd, ".stuck"))).ToHashSet(StringComparer.Ordinal);
}
