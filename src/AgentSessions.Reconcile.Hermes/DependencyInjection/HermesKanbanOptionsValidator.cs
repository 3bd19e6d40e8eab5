using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile.Hermes.DependencyInjection;

/// <summary>Checks <see cref="HermesKanbanOptions"/> when the host starts, naming every problem.</summary>
internal sealed class HermesKanbanOptionsValidator : IValidateOptions<HermesKanbanOptions>
{
    public ValidateOptionsResult Validate(string? name, HermesKanbanOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (!Enum.IsDefined(options.Gateway))
        {
            problems.Add($"HermesKanbanOptions.Gateway must be Sqlite or Cli (was {options.Gateway}).");
        }

        if (options.BusyTimeout <= TimeSpan.Zero)
        {
            problems.Add($"HermesKanbanOptions.BusyTimeout must be positive (was {options.BusyTimeout}).");
        }

        if (options.LockTimeout < TimeSpan.Zero)
        {
            problems.Add($"HermesKanbanOptions.LockTimeout must not be negative (was {options.LockTimeout}).");
        }

        if (options.CommandTimeout <= TimeSpan.Zero)
        {
            problems.Add($"HermesKanbanOptions.CommandTimeout must be positive (was {options.CommandTimeout}).");
        }

        if (options.Gateway == HermesKanbanGatewayKind.Cli && string.IsNullOrWhiteSpace(options.HermesExecutable))
        {
            problems.Add("HermesKanbanOptions.HermesExecutable is required for the CLI gateway.");
        }

        string? board = null;
        try
        {
            board = HermesEnvironment.NormalizeSlug(options.Board);
        }
        catch (ArgumentException e)
        {
            problems.Add("HermesKanbanOptions.Board: " + e.Message);
        }

        try
        {
            HermesEnvironment.Identity(options.Environment ?? HermesEnvironment.FromProcess(), options.TaskId, board);
        }
        catch (InvalidOperationException e)
        {
            problems.Add(e.Message);
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
