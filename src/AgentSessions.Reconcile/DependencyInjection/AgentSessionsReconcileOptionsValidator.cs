using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.DependencyInjection;

/// <summary>Checks <see cref="AgentSessionsReconcileOptions"/> at start-up, naming every problem.</summary>
internal sealed class AgentSessionsReconcileOptionsValidator : IValidateOptions<AgentSessionsReconcileOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentSessionsReconcileOptions options)
    {
        var store = options.Store;
        List<string?> problems =
        [
            string.IsNullOrWhiteSpace(store.WorkspaceRoot) ? "AgentSessionsReconcileOptions.WorkspaceRoot is required (the folder that holds .hermes/agent-sessions.yaml)." : null,
            store.LockTimeout < TimeSpan.Zero ? $"AgentSessionsReconcileOptions.Store.LockTimeout must not be negative (it is {store.LockTimeout})." : null,
            store.MaxFileBytes <= 0 || store.MaxDepth <= 0 || store.MaxAliasExpansions < 0
                ? "AgentSessionsReconcileOptions.Store limits (MaxFileBytes, MaxDepth, MaxAliasExpansions) must be positive." : null,
        ];

        problems.AddRange(options.Probe.Problems().Select(p => "AgentSessionsReconcileOptions.Probe: " + p));
        problems.AddRange(options.Reconciler.Validate());
        return problems.OfType<string>().ToList() is { Count: > 0 } found ? ValidateOptionsResult.Fail(found) : ValidateOptionsResult.Success;
    }
}
