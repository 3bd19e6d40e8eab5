using Microsoft.Extensions.Options;

namespace AgentSessions.Reconcile;

/// <summary>Checks <see cref="MonitorOptions"/> when the host starts, so a bad value fails start-up, not the first pass.</summary>
internal sealed class MonitorOptionsValidator : IValidateOptions<MonitorOptions>
{
    // Task.Delay takes at most uint.MaxValue - 1 ms; a day is far below that and far above any sane period.
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(1);

    internal const int MinCommentChars = 200;

    public ValidateOptionsResult Validate(string? name, MonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        CheckPeriod(errors, nameof(MonitorOptions.HeartbeatInterval), options.HeartbeatInterval);
        CheckPeriod(errors, nameof(MonitorOptions.RetryDelay), options.RetryDelay);
        if (options.MaxCommentChars < MinCommentChars)
        {
            errors.Add($"MonitorOptions.MaxCommentChars must be at least {MinCommentChars} (was {options.MaxCommentChars}).");
        }

        if (options.StopPhrases.Count == 0)
        {
            errors.Add("MonitorOptions.StopPhrases must hold at least one phrase.");
        }
        else if (options.StopPhrases.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("MonitorOptions.StopPhrases must not hold an empty phrase (it would match every comment).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckPeriod(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero || value > MaxPeriod)
        {
            errors.Add($"MonitorOptions.{name} must be more than zero and at most {MaxPeriod} (was {value}).");
        }
    }
}
