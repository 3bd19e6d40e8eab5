namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>Builds the real store, probe and reconciler from the library's public factories.</summary>
internal sealed class DefaultCliServicesFactory : ICliServicesFactory
{
    public string? FindWorkspaceRoot(string startDirectory) => RegistryStore.FindWorkspaceRoot(startDirectory);

    public CliServices Create(CliSettings settings, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var store = RegistryStore.Create(new RegistryStoreOptions { WorkspaceRoot = settings.WorkspaceRoot }, timeProvider);
        var probe = SessionProbe.Create(
            new SessionProbeOptions
            {
                TmuxSocketName = settings.TmuxSocketName,
                TmuxSocketPath = settings.TmuxSocketPath,
                HomeDirectory = settings.HomeDirectory,
                ClaudeConfigDirectory = settings.ClaudeConfigDirectory,
                WedgedAfter = settings.WedgedAfter ?? TimeSpan.FromMinutes(15),
            },
            fileSystem: null,
            timeProvider);
        var reconciler = Reconciler.Create(store, probe, new ReconcilerOptions { StateDirectory = settings.StateDirectory, PollInterval = settings.PollInterval, AttentionAfter = settings.AttentionAfter ?? TimeSpan.FromSeconds(60) }, timeProvider);
        return new CliServices(store, probe, reconciler);
    }

    public IReadOnlyDictionary<string, LastDrift> ReadLastDrifts(CliSettings settings, string workspaceName)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return CoalescingStateReader.Read(settings.WorkspaceRoot, settings.StateDirectory, workspaceName);
    }
}
