namespace AgentSessions.Reconcile.Reconciling;

/// <summary>
/// D: an id the row records (own id or identity) whose transcript or conversation file is gone is
/// reported, and kept. An id the probe could not check (its folder unreadable, or the agent's whole
/// config folder missing) is undecided, never "gone".
/// </summary>
internal static class StaleIdRule
{
    public static void Plan(DiffContext diff, SessionRow row)
    {
        Check(diff, row, row.ClaudeSessionIdOwn, DriftDiff.ClaudeOwnField, diff.Live.Claude, "Claude", "claude session transcript");
        Check(diff, row, RowIds.Identity(row, RowIds.Claude, RowIds.ClaudeIdField), DriftDiff.ClaudeIdentityField, diff.Live.Claude, "Claude", "claude session transcript");
        Check(diff, row, row.AgySessionIdOwn, DriftDiff.AgyOwnField, diff.Live.Agy, "agy", "agy conversation file");
        Check(diff, row, RowIds.Identity(row, RowIds.Agy, RowIds.AgyIdField), DriftDiff.AgyIdentityField, diff.Live.Agy, "agy", "agy conversation file");
    }

    private static void Check(DiffContext diff, SessionRow row, string? id, string field, AgentFiles files, string source, string artifact)
    {
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        var key = new DriftKey(DriftClass.StaleId, row.Name, field);
        switch (files.Presence(id))
        {
            case ArtifactPresence.Unknown:
                diff.Undecided(key);
                if (!files.IsKnown)
                {
                    diff.Note($"{source}: {files.UnknownReason} No id of it was checked.");
                }

                break;
            case ArtifactPresence.Missing:
                diff.Drifts.Add(new PlannedDrift(
                    DriftClass.StaleId,
                    row.Name,
                    key,
                    $"{row.Name}: {field} {id}: {artifact} is gone.",
                    field,
                    id,
                    null,
                    mutation: null));
                break;
        }
    }
}
