using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>The pass's steps around the diff: observing, applying the mutations, the capture's note.</summary>
internal sealed partial class DefaultReconciler
{
    /// <summary>The pass's drifts with what became of their changes, made as the coalescer reads them (no list of 20,000 held).</summary>
    private static IEnumerable<FoundDrift> Found(DiffResult diff, Dictionary<RegistryMutation, MutationOutcome> outcomes, bool dryRun) =>
        diff.Drifts.Select(planned =>
        {
            MutationOutcome? outcome = planned.Mutation is not null && outcomes.TryGetValue(planned.Mutation, out var o) ? o : null;
            return new FoundDrift(planned, planned.ToDrift(dryRun, outcome), dryRun ? null : outcome);
        });

    /// <summary>Applies the mutations in order to the registry as it is now; each re-checks its facts.</summary>
    internal static Dictionary<RegistryMutation, MutationOutcome> ApplyAll(Registry current, IReadOnlyList<RegistryMutation> mutations)
    {
        var outcomes = new Dictionary<RegistryMutation, MutationOutcome>(ReferenceEqualityComparer.Instance);
        foreach (var mutation in mutations)
        {
            outcomes[mutation] = mutation.DependsOn is { } dependency && !(outcomes.TryGetValue(dependency, out var d) && (d.Applied || d.AlreadyDone))
                ? MutationOutcome.Skip("its registration was not applied")
                : mutation.Apply(current);
        }

        return outcomes;
    }

    /// <summary>A one-line note from a pane capture: its last non-blank line, whitespace collapsed, bounded.</summary>
    internal static string NoteFromCapture(string? text) =>
        (text ?? string.Empty).Split('\n').Select(l => string.Join(' ', l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))).LastOrDefault(l => l.Length > 0) is { } line
            ? "visible: " + (line.Length > MaxNoteLength ? line[..MaxNoteLength] + "…" : line)
            : "visible: blank screen";

    /// <summary>One observation of everything the diff needs; a probe that throws is unknown, never empty.</summary>
    private async Task<LiveState> ObserveAsync(Registry registry, string workspace, Task<TmuxState>? tmuxSnapshot, CancellationToken cancellationToken)
    {
        LiveState live;
        try
        {
            live = await (tmuxSnapshot is null
                ? _probe.ObserveAsync(registry, workspace, cancellationToken)
                : ((CompositeSessionProbe)_probe).ObserveAsync(registry, workspace, tmuxSnapshot, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ReconcilerLog.ProbeFailed(_logger, ex);
            var reason = $"the probe failed: {ex.Message}";
            live = LiveState.Failed(reason);
        }

        if (!live.Tmux.IsKnown)
        {
            _metrics.ProbeFailed("tmux");
            ReconcilerLog.TmuxUnknown(_logger, live.Tmux.UnknownReason ?? "no reason given");
        }

        if (AgentIds.All.Any(ids => !live.Get(ids.Key).IsKnown))
        {
            _metrics.ProbeFailed("artifacts");
        }

        return live;
    }
}
