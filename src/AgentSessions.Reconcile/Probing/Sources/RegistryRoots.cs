using System.IO.Abstractions;

namespace AgentSessions.Reconcile.Probing;

/// <summary>Which workspace a directory lies in: the nearest folder at or above it with <c>.hermes/agent-sessions.yaml</c>.</summary>
internal sealed class RegistryRoots(IFileSystem fileSystem) : LiveSource<IReadOnlyDictionary<string, string>>(LiveKeys.RegistryRoots)
{
    public static IReadOnlyDictionary<string, string> Find(IFileSystem fs, IEnumerable<string> cwds)
    {
        var roots = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cwd in cwds)
        {
            try
            {
                for (var dir = AgentFiles.NormalizePath(cwd); !string.IsNullOrEmpty(dir); dir = fs.Path.GetDirectoryName(dir))
                {
                    if (fs.File.Exists(fs.Path.Combine(dir, ".hermes", "agent-sessions.yaml")))
                    {
                        roots[cwd] = dir;
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Cannot tell: the session is taken to belong here, as before.
            }
        }

        return roots;
    }

    protected override IReadOnlyDictionary<string, string> See(ObservationNeeds needs, CancellationToken cancellationToken) =>
        Find(fileSystem, needs.Request(Key).Cwds);
}
