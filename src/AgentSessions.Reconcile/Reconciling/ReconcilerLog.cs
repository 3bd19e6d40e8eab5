using Microsoft.Extensions.Logging;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>Source-generated log messages of the reconciler.</summary>
internal static partial class ReconcilerLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Debug, Message = "Reconcile pass started for workspace {Workspace} (trigger {Trigger}, dry run {DryRun})")]
    public static partial void PassStarted(ILogger logger, string workspace, ReconcileTrigger trigger, bool dryRun);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Reconcile pass for workspace {Workspace}: {NewDrifts} new drift(s), {Coalesced} repeat(s), registry written {Written}")]
    public static partial void PassFinished(ILogger logger, string workspace, int newDrifts, int coalesced, bool written);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Drift {DriftClass} {Session}: {DriftMessage}")]
    public static partial void DriftFound(ILogger logger, DriftClass driftClass, string session, string driftMessage);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "tmux state is unknown ({Reason}); no session is terminated or registered in this pass")]
    public static partial void TmuxUnknown(ILogger logger, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "The probe threw; tmux and the agents' files are treated as unknown in this pass")]
    public static partial void ProbeFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Capturing pane of {Session} failed ({Reason}); its visible status is left as is")]
    public static partial void CaptureFailed(ILogger logger, string session, string reason);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Coalescing state trouble: {Problem} (said once; this process remembers what it reported meanwhile)")]
    public static partial void StateTrouble(ILogger logger, string problem);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "The registry was written, but: {Warning}")]
    public static partial void WriteWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "{Session}: change not applied, {Reason}")]
    public static partial void MutationSkipped(ILogger logger, string session, string reason);
}
