using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.DependencyInjection;

/// <summary>Checks <see cref="AgentSessionsReconcileOptions"/> at start-up, naming every problem.</summary>
internal sealed class AgentSessionsReconcileOptionsValidator : IValidateOptions<AgentSessionsReconcileOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentSessionsReconcileOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.EffectiveWorkspaceRoot))
        {
            problems.Add("AgentSessionsReconcileOptions.WorkspaceRoot is required (the folder that holds .hermes/agent-sessions.yaml).");
        }

        var store = options.Store;
        if (store.LockTimeout < TimeSpan.Zero)
        {
            problems.Add($"AgentSessionsReconcileOptions.Store.LockTimeout must not be negative (it is {store.LockTimeout}).");
        }

        if (store.MaxFileBytes <= 0 || store.MaxDepth <= 0 || store.MaxAliasExpansions < 0)
        {
            problems.Add("AgentSessionsReconcileOptions.Store limits (MaxFileBytes, MaxDepth, MaxAliasExpansions) must be positive.");
        }

        problems.AddRange(options.Probe.Problems().Select(p => "AgentSessionsReconcileOptions.Probe: " + p));
        problems.AddRange(options.Reconciler.Validate());
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
