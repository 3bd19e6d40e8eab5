using System.Globalization;

namespace AgentSessions.Reconcile.Reconciling;

/// <summary>What the diff needs besides the registry and the live state.</summary>
/// <param name="Workspace">The workspace name (prefix of its tmux session names).</param>
/// <param name="EndStateGrace">How long an end-state row may have a live tmux session before drift E.</param>
internal sealed record DiffOptions(string Workspace, TimeSpan EndStateGrace);

/// <summary>One drift the diff found, with the change it wants (none for report-only drifts).</summary>
internal sealed class PlannedDrift
{
    public PlannedDrift(DriftClass @class, string session, DriftKey key, string observation, string? field, string? before, string? after, RegistryMutation? mutation)
    {
        Class = @class;
        Session = session;
        Key = key;
        Observation = observation;
        Field = field;
        Before = before;
        After = after;
        Mutation = mutation;
    }

    public DriftClass Class { get; }

    public string Session { get; }

    public DriftKey Key { get; }

    /// <summary>Gets what was seen, without what was done ("x: tmux gone (was pane 1, cmd claude)."); the coalescing hash covers it.</summary>
    public string Observation { get; }

    public string? Field { get; }

    public string? Before { get; }

    public string? After { get; }

    public RegistryMutation? Mutation { get; }

    /// <summary>Builds the reported drift once it is known whether (and why not) the change was applied.</summary>
    public Drift ToDrift(bool dryRun, MutationOutcome? outcome)
    {
        var applied = outcome is { Applied: true } && !dryRun;
        string message;
        if (Mutation is null)
        {
            message = Observation + " " + ReportOnlyVerb();
        }
        else if (dryRun)
        {
            message = Observation + " " + WouldVerb() + " (dry run).";
        }
        else if (applied)
        {
            message = Observation + " " + DoneVerb();
        }
        else
        {
            message = Observation + " Left as is: " + (outcome?.SkipReason ?? "not applied") + ".";
        }

        return new Drift(Class, Session, message)
        {
            Field = Field,
            Before = Before,
            After = After,
            Applied = applied,
            Key = Key,
        };
    }

    private string DoneVerb() => Class switch
    {
        DriftClass.TmuxGone => "Marked terminated.",
        DriftClass.Unregistered => "Auto-registered.",
        _ => "Recorded.",
    };

    private string WouldVerb() => Class switch
    {
        DriftClass.TmuxGone => "Would mark terminated",
        DriftClass.Unregistered => "Would auto-register",
        _ => "Would record it",
    };

    private string ReportOnlyVerb() => Class switch
    {
        DriftClass.StaleId => "Kept in the registry.",
        DriftClass.EndStateAlive => "Not revived.",
        _ => string.Empty,
    };
}

/// <summary>A running row with a live tmux session whose visible status must be refreshed (needs a capture).</summary>
/// <param name="Session">The row's name (and tmux session name).</param>
/// <param name="TmuxName">The tmux session name as tmux stores it.</param>
internal sealed record VisibleRefresh(string Session, string TmuxName);

/// <summary>What <see cref="DriftDiff.Compute"/> found.</summary>
internal sealed class DiffResult
{
    public required IReadOnlyList<PlannedDrift> Drifts { get; init; }

    public required IReadOnlyList<VisibleRefresh> VisibleRefreshes { get; init; }

    /// <summary>Gets, for each end-state row whose tmux is alive, when that was first seen (carried between passes).</summary>
    public required IReadOnlyDictionary<string, DateTimeOffset> EndStateAliveFirstSeen { get; init; }

    /// <summary>Gets the coalescing keys that could not be decided this pass (unknown presence): kept as reported.</summary>
    public required IReadOnlySet<DriftKey> UndecidedKeys { get; init; }

    public required bool TmuxKnown { get; init; }

    public string? TmuxUnknownReason { get; init; }
}

/// <summary>
/// The pure diff between a registry and the live state: no I/O, no clock (<c>now</c> comes in),
/// no exceptions for drift. Drift is the output, with the mutations that repair what is safe.
/// </summary>
internal static class DriftDiff
{
    public const string ClaudeOwnField = "claude_session_id_own";
    public const string AgyOwnField = "agy_session_id_own";
    public const string ClaudeIdentityField = "agent_identities.claude.session_id";
    public const string AgyIdentityField = "agent_identities.agy.conversation_id";
    private const string CreatorMarker = "creator-";

    public static string Word(SessionStatus? status) => status switch
    {
        SessionStatus.Running => "running",
        SessionStatus.Stopped => "stopped",
        SessionStatus.Terminated => "terminated",
        SessionStatus.Archived => "archived",
        _ => "without status",
    };

    /// <summary>
    /// Parses <c>&lt;workspace&gt;-&lt;project&gt;-creator-&lt;agent&gt;</c> or
    /// <c>&lt;workspace&gt;-creator-&lt;agent&gt;</c>. The agent is one word of letters, digits and <c>_</c>.
    /// </summary>
    public static bool TryParseSessionName(string name, string workspace, out string? project, out string agent)
    {
        project = null;
        agent = string.Empty;
        if (workspace.Length == 0
            || name.Length <= workspace.Length + 1
            || !name.StartsWith(workspace, StringComparison.Ordinal)
            || name[workspace.Length] != '-')
        {
            return false;
        }

        var rest = name.AsSpan(workspace.Length + 1);
        int agentStart;
        if (rest.StartsWith(CreatorMarker, StringComparison.Ordinal))
        {
            agentStart = CreatorMarker.Length;
        }
        else
        {
            var marker = rest.LastIndexOf("-" + CreatorMarker, StringComparison.Ordinal);
            if (marker <= 0)
            {
                return false;
            }

            project = rest[..marker].ToString();
            agentStart = marker + 1 + CreatorMarker.Length;
        }

        var agentSpan = rest[agentStart..];
        if (agentSpan.IsEmpty)
        {
            project = null;
            return false;
        }

        foreach (var c in agentSpan)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                project = null;
                return false;
            }
        }

        agent = agentSpan.ToString();
        return true;
    }

    /// <summary>Gets the agent of a row: its <c>agent</c>, or else the suffix of its name.</summary>
    public static string? EffectiveAgent(SessionRow row, string workspace) =>
        row.Agent ?? (TryParseSessionName(row.Name, workspace, out _, out var agent) ? agent : null);

    /// <summary>What the artifact probe should look at for this registry and tmux snapshot.</summary>
    public static ArtifactRequest BuildArtifactRequest(Registry registry, TmuxState tmux, string workspace)
    {
        var request = new ArtifactRequest();
        foreach (var row in registry.Sessions)
        {
            AddIds(request, row);
            if (!row.IsInEndState && row.Cwd is { Length: > 0 } cwd
                && string.IsNullOrEmpty(row.ClaudeSessionIdOwn)
                && IsClaude(EffectiveAgent(row, workspace)))
            {
                request.Cwds.Add(cwd);
            }
        }

        foreach (var candidate in RegistrationCandidates(registry, tmux, workspace))
        {
            if (IsClaude(candidate.Agent) && candidate.Cwd is { Length: > 0 } cwd)
            {
                request.Cwds.Add(cwd);
            }
        }

        return request;
    }

    /// <summary>
    /// The agy conversation ids named by agy's workspace map for rows that need their own agy id,
    /// that the first artifact probe did not look at; <see langword="null"/> when there are none.
    /// </summary>
    public static ArtifactRequest? BuildFollowUpRequest(Registry registry, TmuxState tmux, string workspace, ArtifactState artifacts)
    {
        if (artifacts.AgyLastConversations is not { Count: > 0 } map)
        {
            return null;
        }

        var normalizedMap = NormalizeMap(map);
        ArtifactRequest? request = null;
        void Consider(string? agent, string? cwd)
        {
            if (IsAgy(agent) && cwd is { Length: > 0 }
                && normalizedMap.TryGetValue(NormalizePath(cwd), out var id)
                && !artifacts.AgyConversations.ContainsKey(id))
            {
                request ??= new ArtifactRequest();
                request.AgyConversationIds.Add(id);
            }
        }

        foreach (var row in registry.Sessions)
        {
            if (!row.IsInEndState && string.IsNullOrEmpty(row.AgySessionIdOwn))
            {
                Consider(EffectiveAgent(row, workspace), row.Cwd);
            }
        }

        foreach (var candidate in RegistrationCandidates(registry, tmux, workspace))
        {
            Consider(candidate.Agent, candidate.Cwd);
        }

        return request;
    }

    /// <summary>Combines two artifact snapshots; the second wins where both answered.</summary>
    public static ArtifactState Merge(ArtifactState first, ArtifactState second)
    {
        static Dictionary<string, T> Union<T>(IReadOnlyDictionary<string, T> a, IReadOnlyDictionary<string, T> b)
        {
            var result = new Dictionary<string, T>(a, StringComparer.Ordinal);
            foreach (var (k, v) in b)
            {
                result[k] = v;
            }

            return result;
        }

        return new ArtifactState(
            Union(first.TranscriptsByCwd, second.TranscriptsByCwd),
            Union(first.ClaudeSessions, second.ClaudeSessions),
            second.AgyLastConversations ?? first.AgyLastConversations,
            Union(first.AgyConversations, second.AgyConversations));
    }

    /// <summary>Computes the drift.</summary>
    /// <param name="registry">The registry as loaded (not changed).</param>
    /// <param name="live">The live state.</param>
    /// <param name="now">The time of the pass.</param>
    /// <param name="options">The workspace name and the grace window.</param>
    /// <param name="endStateAliveFirstSeen">When each end-state row's live tmux was first seen, from earlier passes.</param>
    /// <returns>The drifts, mutations and the carried state for the next pass.</returns>
    public static DiffResult Compute(
        Registry registry,
        LiveState live,
        DateTimeOffset now,
        DiffOptions options,
        IReadOnlyDictionary<string, DateTimeOffset> endStateAliveFirstSeen)
    {
        var tmux = live.Tmux;
        var artifacts = live.Artifacts;
        var workspace = options.Workspace;
        var drifts = new List<PlannedDrift>(Math.Min(registry.Sessions.Count, 1024));
        var refreshes = new List<VisibleRefresh>();
        var firstSeen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var undecided = new HashSet<DriftKey>();
        var idOwners = CollectIdOwners(registry);

        // Ids given out in this pass, so two rows in one folder never get the same one.
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        var agyMap = artifacts.AgyLastConversations is { } m ? NormalizeMap(m) : null;

        foreach (var row in registry.Sessions)
        {
            var tmuxSession = tmux.IsKnown ? FindTmux(tmux, row.Name) : null;

            // C before A: a running row whose tmux just went away still gets the id its transcript
            // got (a stopped or terminated row keeps its ids; resuming needs them).
            if (!row.IsInEndState)
            {
                var agent = EffectiveAgent(row, workspace);
                PlanOwnIds(drifts, row.Name, agent, row.Cwd, row.CreatedAt, row.ClaudeSessionIdOwn, row.AgySessionIdOwn, artifacts, agyMap, idOwners, claimed, now, dependsOn: null);
            }

            if (row.IsInEndState)
            {
                if (!tmux.IsKnown)
                {
                    if (endStateAliveFirstSeen.TryGetValue(row.Name, out var kept))
                    {
                        firstSeen[row.Name] = kept;
                    }

                    undecided.Add(EndStateKey(row.Name));
                }
                else if (tmuxSession is not null)
                {
                    var since = endStateAliveFirstSeen.TryGetValue(row.Name, out var seen) && seen <= now ? seen : now;
                    firstSeen[row.Name] = since;
                    if (now - since >= options.EndStateGrace)
                    {
                        var status = Word(row.Status);
                        drifts.Add(new PlannedDrift(
                            DriftClass.EndStateAlive,
                            row.Name,
                            EndStateKey(row.Name),
                            $"{row.Name}: row is {status} but its tmux session is still alive ({PaneText(tmuxSession.PrimaryPane)}).",
                            "status",
                            status,
                            status,
                            mutation: null));
                    }
                }
            }
            else if (row.Status == SessionStatus.Running && tmux.IsKnown)
            {
                if (tmuxSession is null)
                {
                    drifts.Add(new PlannedDrift(
                        DriftClass.TmuxGone,
                        row.Name,
                        new DriftKey(DriftClass.TmuxGone, row.Name),
                        $"{row.Name}: tmux gone (was pane {row.Pane?.Pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, cmd {row.Pane?.Cmd ?? "unknown"}).",
                        "status",
                        "running",
                        "terminated",
                        new MarkTerminatedMutation(row.Name, row.Pane?.Pid, now)));
                }
                else if (row.LastVisibleStatus != SessionStatus.Running)
                {
                    refreshes.Add(new VisibleRefresh(row.Name, tmuxSession.Name));
                }
            }

            PlanStaleIds(drifts, undecided, row, artifacts);
        }

        if (tmux.IsKnown)
        {
            foreach (var candidate in RegistrationCandidates(registry, tmux, workspace))
            {
                var pane = candidate.Session.PrimaryPane;
                var template = new SessionRow(candidate.Session.Name)
                {
                    Agent = candidate.Agent,
                    Project = candidate.Project,
                    Cwd = candidate.Cwd,
                    Status = SessionStatus.Running,
                    LastVisibleStatus = SessionStatus.Running,
                    LastVisibleNote = "auto-registered",

                    // The session's creation time, so that a transcript it already wrote is picked up in this same pass.
                    CreatedAt = candidate.Session.Created ?? now,
                    UpdatedAt = now,
                    Pane = pane is null ? null : new PaneInfo { Pid = pane.Pid, Cmd = pane.CurrentCommand, Cwd = pane.CurrentPath },
                };
                var register = new RegisterMutation(template);
                drifts.Add(new PlannedDrift(
                    DriftClass.Unregistered,
                    template.Name,
                    new DriftKey(DriftClass.Unregistered, template.Name),
                    $"{template.Name}: tmux found but not in YAML.",
                    "status",
                    null,
                    "running",
                    register));
                PlanOwnIds(drifts, template.Name, template.Agent, template.Cwd, template.CreatedAt, null, null, artifacts, agyMap, idOwners, claimed, now, register);
            }
        }

        return new DiffResult
        {
            Drifts = drifts,
            VisibleRefreshes = refreshes,
            EndStateAliveFirstSeen = firstSeen,
            UndecidedKeys = undecided,
            TmuxKnown = tmux.IsKnown,
            TmuxUnknownReason = tmux.IsKnown ? null : tmux.UnknownReason,
        };
    }

    internal static DriftKey EndStateKey(string session) => new(DriftClass.EndStateAlive, session);

    internal static string NormalizePath(string path) =>
        path.Length > 1 && path[^1] == '/' ? path.TrimEnd('/') is { Length: > 0 } t ? t : "/" : path;

    private static TmuxSession? FindTmux(TmuxState tmux, string rowName)
    {
        if (tmux.Sessions.TryGetValue(rowName, out var session))
        {
            return session;
        }

        // tmux stores '.' and ':' in names as '_': a row written with the name as typed still matches.
        if (rowName.AsSpan().IndexOfAny('.', ':') >= 0
            && tmux.Sessions.TryGetValue(rowName.Replace('.', '_').Replace(':', '_'), out session))
        {
            return session;
        }

        return null;
    }

    private static string PaneText(TmuxPane? pane) =>
        pane is null
            ? "no pane"
            : $"pane {pane.Pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, cmd {pane.CurrentCommand ?? "unknown"}";

    private static bool IsClaude(string? agent) => string.Equals(agent, "claude", StringComparison.OrdinalIgnoreCase);

    private static bool IsAgy(string? agent) => string.Equals(agent, "agy", StringComparison.OrdinalIgnoreCase);

    private static void AddIds(ArtifactRequest request, SessionRow row)
    {
        if (row.ClaudeSessionIdOwn is { Length: > 0 } claudeOwn)
        {
            request.ClaudeSessionIds.Add(claudeOwn);
        }

        if (Identity(row, "claude", "session_id") is { } claudeRef)
        {
            request.ClaudeSessionIds.Add(claudeRef);
        }

        if (row.AgySessionIdOwn is { Length: > 0 } agyOwn)
        {
            request.AgyConversationIds.Add(agyOwn);
        }

        if (Identity(row, "agy", "conversation_id") is { } agyRef)
        {
            request.AgyConversationIds.Add(agyRef);
        }
    }

    private static string? Identity(SessionRow row, string agent, string field) =>
        row.AgentIdentities.Count > 0
        && row.AgentIdentities.TryGetValue(agent, out var fields)
        && fields.TryGetValue(field, out var value)
        && !string.IsNullOrEmpty(value)
            ? value
            : null;

    private static Dictionary<string, string> NormalizeMap(IReadOnlyDictionary<string, string> map)
    {
        var result = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        foreach (var (path, id) in map)
        {
            if (!string.IsNullOrEmpty(id))
            {
                result[NormalizePath(path)] = id;
            }
        }

        return result;
    }

    /// <summary>Every id mentioned by each row (own ids and identities), with the rows that mention it.</summary>
    private static Dictionary<string, object> CollectIdOwners(Registry registry)
    {
        // Value: the one row name (string), or a HashSet<string> when several rows mention the id.
        var owners = new Dictionary<string, object>(registry.Sessions.Count * 2, StringComparer.Ordinal);
        void Add(string? id, string row)
        {
            if (string.IsNullOrEmpty(id))
            {
                return;
            }

            if (!owners.TryGetValue(id, out var existing))
            {
                owners[id] = row;
            }
            else if (existing is string single)
            {
                if (!string.Equals(single, row, StringComparison.Ordinal))
                {
                    owners[id] = new HashSet<string>(StringComparer.Ordinal) { single, row };
                }
            }
            else
            {
                ((HashSet<string>)existing).Add(row);
            }
        }

        foreach (var row in registry.Sessions)
        {
            Add(row.ClaudeSessionIdOwn, row.Name);
            Add(row.AgySessionIdOwn, row.Name);
            if (row.AgentIdentities.Count > 0)
            {
                foreach (var fields in row.AgentIdentities.Values)
                {
                    foreach (var value in fields.Values)
                    {
                        Add(value, row.Name);
                    }
                }
            }
        }

        return owners;
    }

    private static bool UsedByOtherRow(Dictionary<string, object> owners, string id, string self) =>
        owners.TryGetValue(id, out var o)
        && (o is string single
            ? !string.Equals(single, self, StringComparison.Ordinal)
            : ((HashSet<string>)o).Any(n => !string.Equals(n, self, StringComparison.Ordinal)));

    private static void PlanOwnIds(
        List<PlannedDrift> drifts,
        string session,
        string? agent,
        string? cwd,
        DateTimeOffset? createdAt,
        string? claudeOwn,
        string? agyOwn,
        ArtifactState artifacts,
        Dictionary<string, string>? agyMap,
        Dictionary<string, object> idOwners,
        HashSet<string> claimed,
        DateTimeOffset now,
        RegistryMutation? dependsOn)
    {
        if (cwd is not { Length: > 0 })
        {
            return;
        }

        if (string.IsNullOrEmpty(claudeOwn) && IsClaude(agent)
            && artifacts.TranscriptsByCwd.TryGetValue(cwd, out var listing)
            && listing.Presence == ArtifactPresence.Present
            && PickTranscript(listing, session, cwd, createdAt, idOwners, claimed) is { } transcriptId)
        {
            claimed.Add(transcriptId);
            drifts.Add(new PlannedDrift(
                DriftClass.IdMaterialized,
                session,
                new DriftKey(DriftClass.IdMaterialized, session, ClaudeOwnField),
                $"{session}: session id materialized {transcriptId}.",
                ClaudeOwnField,
                null,
                transcriptId,
                new FillOwnIdMutation(session, OwnIdKind.Claude, transcriptId, now) { DependsOn = dependsOn }));
        }

        if (string.IsNullOrEmpty(agyOwn) && IsAgy(agent)
            && agyMap is not null
            && agyMap.TryGetValue(NormalizePath(cwd), out var conversationId)
            && !claimed.Contains(conversationId)
            && !UsedByOtherRow(idOwners, conversationId, session)
            && artifacts.AgyConversations.TryGetValue(conversationId, out var conversation)
            && conversation.Presence == ArtifactPresence.Present
            && (createdAt is null || (conversation.LastWrite is { } written && written > createdAt.Value)))
        {
            claimed.Add(conversationId);
            drifts.Add(new PlannedDrift(
                DriftClass.IdMaterialized,
                session,
                new DriftKey(DriftClass.IdMaterialized, session, AgyOwnField),
                $"{session}: session id materialized {conversationId}.",
                AgyOwnField,
                null,
                conversationId,
                new FillOwnIdMutation(session, OwnIdKind.Agy, conversationId, now) { DependsOn = dependsOn }));
        }
    }

    /// <summary>
    /// The newest transcript written after the row was created whose recorded cwd is the row's and
    /// whose id no other row uses. A row without <c>created_at</c> takes a transcript only when it
    /// is the single such candidate (anything else would be a guess).
    /// </summary>
    private static string? PickTranscript(
        ClaudeProjectListing listing,
        string session,
        string cwd,
        DateTimeOffset? createdAt,
        Dictionary<string, object> idOwners,
        HashSet<string> claimed)
    {
        var wanted = NormalizePath(cwd);
        ClaudeTranscript? best = null;
        var matching = 0;
        foreach (var t in listing.Transcripts)
        {
            if (t.RecordedCwd is null
                || !string.Equals(NormalizePath(t.RecordedCwd), wanted, StringComparison.Ordinal)
                || (t.RecordedSessionId is { } recorded && !string.Equals(recorded, t.SessionId, StringComparison.Ordinal))
                || (createdAt is { } created && t.LastWrite <= created))
            {
                continue;
            }

            // Counted before the "used elsewhere" filter, so the decision for a row without
            // created_at does not change once other rows have taken their ids (a second pass
            // must find nothing new).
            matching++;
            if (claimed.Contains(t.SessionId) || UsedByOtherRow(idOwners, t.SessionId, session))
            {
                continue;
            }

            if (best is null || t.LastWrite > best.LastWrite)
            {
                best = t;
            }
        }

        if (createdAt is null && matching != 1)
        {
            return null;
        }

        return best?.SessionId;
    }

    private static void PlanStaleIds(List<PlannedDrift> drifts, HashSet<DriftKey> undecided, SessionRow row, ArtifactState artifacts)
    {
        CheckClaude(row.ClaudeSessionIdOwn, ClaudeOwnField);
        CheckClaude(Identity(row, "claude", "session_id"), ClaudeIdentityField);
        CheckAgy(row.AgySessionIdOwn, AgyOwnField);
        CheckAgy(Identity(row, "agy", "conversation_id"), AgyIdentityField);

        void CheckClaude(string? id, string field)
        {
            if (string.IsNullOrEmpty(id))
            {
                return;
            }

            var presence = artifacts.ClaudeSessions.TryGetValue(id, out var p) ? p : ArtifactPresence.Unknown;
            Stale(id, field, presence, "claude session", "transcript");
        }

        void CheckAgy(string? id, string field)
        {
            if (string.IsNullOrEmpty(id))
            {
                return;
            }

            var presence = artifacts.AgyConversations.TryGetValue(id, out var c) ? c.Presence : ArtifactPresence.Unknown;
            Stale(id, field, presence, "agy conversation", "conversation file");
        }

        void Stale(string id, string field, ArtifactPresence presence, string what, string artifact)
        {
            if (presence == ArtifactPresence.Unknown)
            {
                undecided.Add(new DriftKey(DriftClass.StaleId, row.Name, field));
                return;
            }

            if (presence == ArtifactPresence.Missing)
            {
                drifts.Add(new PlannedDrift(
                    DriftClass.StaleId,
                    row.Name,
                    new DriftKey(DriftClass.StaleId, row.Name, field),
                    $"{row.Name}: {field} {id}: {what} {artifact} is gone.",
                    field,
                    id,
                    null,
                    mutation: null));
            }
        }
    }

    internal sealed record Candidate(TmuxSession Session, string? Project, string Agent, string? Cwd);

    /// <summary>Live tmux sessions named like this workspace's agents that have no row, in name order.</summary>
    internal static IEnumerable<Candidate> RegistrationCandidates(Registry registry, TmuxState tmux, string workspace)
    {
        if (!tmux.IsKnown || tmux.Sessions.Count == 0)
        {
            yield break;
        }

        var known = new HashSet<string>(registry.Sessions.Count, StringComparer.Ordinal);
        foreach (var row in registry.Sessions)
        {
            known.Add(row.Name);
            if (row.Name.AsSpan().IndexOfAny('.', ':') >= 0)
            {
                known.Add(row.Name.Replace('.', '_').Replace(':', '_'));
            }
        }

        var names = new List<string>(tmux.Sessions.Count);
        foreach (var name in tmux.Sessions.Keys)
        {
            if (!known.Contains(name) && TryParseSessionName(name, workspace, out _, out _))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            TryParseSessionName(name, workspace, out var project, out var agent);
            var session = tmux.Sessions[name];
            yield return new Candidate(session, project, agent, session.PrimaryPane?.CurrentPath);
        }
    }
}
