namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>Builds the real store, probe and reconciler.</summary>
internal sealed class DefaultCliServicesFactory : ICliServicesFactory
{
    public string? FindWorkspaceRoot(string startDirectory) =>
        throw new NotSupportedException("The registry store has not been merged into this branch yet.");

    public CliServices Create(CliSettings settings, TimeProvider timeProvider) =>
        throw new NotSupportedException("The registry store, probes and reconciler have not been merged into this branch yet.");

    public IReadOnlyDictionary<string, LastDrift> ReadLastDrifts(CliSettings settings, string workspaceName) =>
        new Dictionary<string, LastDrift>(StringComparer.Ordinal);
}
