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

        var probe = options.Probe;
        if (probe.TmuxTimeout <= TimeSpan.Zero)
        {
            problems.Add($"AgentSessionsReconcileOptions.Probe.TmuxTimeout must be positive (it is {probe.TmuxTimeout}).");
        }

        if (string.IsNullOrWhiteSpace(probe.TmuxExecutable))
        {
            problems.Add("AgentSessionsReconcileOptions.Probe.TmuxExecutable is required.");
        }

        if (probe.TranscriptHeadBytes <= 0)
        {
            problems.Add($"AgentSessionsReconcileOptions.Probe.TranscriptHeadBytes must be positive (it is {probe.TranscriptHeadBytes}).");
        }

        if (TmuxClient.SocketProblem(probe.TmuxSocketName, probe.TmuxSocketPath) is { } socketProblem)
        {
            problems.Add("AgentSessionsReconcileOptions.Probe: " + socketProblem);
        }

        problems.AddRange(options.Reconciler.Validate());
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
