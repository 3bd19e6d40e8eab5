namespace AgentSessions.Reconcile.Reconciling.Rules;

/// <summary>
/// D: an id the row records (own id or identity) whose transcript or conversation file is gone is
/// reported, and kept. An id the probe could not check (its folder unreadable, or the agent's whole
/// config folder missing) is undecided, never "gone".
/// </summary>
internal sealed class StaleIdRule() : DriftRule(StaleId)
{
    public static readonly DriftClass StaleId = new('D', "StaleId", keyNamesField: true);

    public override string ReportOnly => "Kept in the registry.";

    /// <summary>"x: claude_session_id_own 87dc…: claude session transcript is gone.", from the drift's row, field and id.</summary>
    public override string Observe(PlannedDrift drift) => Message(drift, null, null, null);

    /// <summary>The observation and the words after it in one string: the report reads 20,000 of them.</summary>
    public override string Message(PlannedDrift drift, string? a, string? b, string? c) =>
        $"{drift.Session}: {drift.Field} {drift.Before}: {Artifact(drift.Field)} is gone.{a}{b}{c}";

    private static string Artifact(string? field)
    {
        foreach (var ids in AgentIds.All)
        {
            if (ids.OwnField == field || ids.IdentityField == field)
            {
                return ids.Artifact;
            }
        }

        throw new InvalidOperationException($"No agent records its ids in {field}.");
    }

    /// <summary>Needs the existence of every id a row records, own or identity, whatever the row's state.</summary>
    public override void Need(ObservationNeeds needs)
    {
        foreach (var row in needs.Registry.Sessions)
        {
            foreach (var ids in AgentIds.All)
            {
                // Added one by one: no array and two iterators per row and agent.
                var wanted = needs.Of(ids.Key).Ids;
                if (ids.Own(row) is { Length: > 0 } own)
                {
                    wanted.Add(own);
                }

                if (ids.Identity(row) is { Length: > 0 } identity)
                {
                    wanted.Add(identity);
                }
            }
        }
    }

    public override void Plan(DiffContext diff, SessionRow row)
    {
        foreach (var ids in AgentIds.All)
        {
            var files = diff.Live.Get(ids.Key);
            Check(diff, row, ids.Own(row), ids.OwnField, files, ids);
            Check(diff, row, ids.Identity(row), ids.IdentityField, files, ids);
        }
    }

    private void Check(DiffContext diff, SessionRow row, string? id, string field, AgentFiles files, AgentIds ids)
    {
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        switch (files.Presence(id))
        {
            case ArtifactPresence.Unknown:
                diff.Undecided(Key(row.Name, field));
                if (!files.IsKnown)
                {
                    diff.Note($"{ids.Key.Name}: {files.UnknownReason} No id of it was checked.");
                }

                break;
            case ArtifactPresence.Missing:
                diff.Drifts.Add(Drift(row.Name, observation: null, field, id, null, null)); // worded when read (Observe)
                break;
        }
    }
}
