namespace AgentSessions.Reconcile.Testing;

/// <summary>
/// A scriptable <see cref="ISessionProbe"/> for tests: tmux sessions, Claude transcripts, agy
/// conversations and pane captures are set up with builder methods, and each call is counted.
/// <see cref="ObserveAsync"/> answers with everything scripted, as one observation; what was never
/// scripted reads as on an empty machine whose agents' folders exist: no transcript, no
/// conversation (missing, not unknown). A source with no builder method is scripted with
/// <see cref="SetObservation{T}"/>. Offline: it never reads the real environment or disk.
/// </summary>
public sealed class FakeSessionProbe : ISessionProbe
{
    private readonly Lock _sync = new();
    private readonly Dictionary<string, TmuxSession> _tmux = new(StringComparer.Ordinal);
    private readonly List<AgentConversation> _transcripts = [];
    private readonly Dictionary<string, ArtifactPresence> _claudePresence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ArtifactPresence Presence, DateTimeOffset? LastWrite)> _agyConversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _agyLastConversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PaneCapture> _captures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _registryRoots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SessionAttention> _attention = new(StringComparer.Ordinal);
    private readonly HashSet<long> _alivePanes = [];
    private readonly Dictionary<object, Func<LiveState, LiveState>> _observations = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> _capturedSessions = [];
    private string? _tmuxUnknownReason;
    private string? _claudeUnknownReason;
    private string? _agyUnknownReason;
    private bool _noServer;
    private int _observeCount;

    /// <summary>Gets how many times <see cref="ObserveAsync"/> was called.</summary>
    public int ObserveCount => _sync.Read(() => _observeCount);

    /// <summary>Gets how many times <see cref="CapturePaneAsync"/> was called.</summary>
    public int CaptureCount => _sync.Read(() => _capturedSessions.Count);

    /// <summary>Gets the session names passed to <see cref="CapturePaneAsync"/>, in call order.</summary>
    public IReadOnlyList<string> CapturedSessions => _sync.Read(() => _capturedSessions.ToArray());

    /// <summary>
    /// Gets or sets a callback run at the start of each <see cref="ObserveAsync"/> call, before the
    /// snapshot is taken (for example to change the scripted state while a pass is under way).
    /// </summary>
    public Action<FakeSessionProbe>? OnObserve { get; set; }

    /// <summary>Adds (or replaces) a live tmux session with one active pane, and makes the tmux state known.</summary>
    /// <param name="name">The session name.</param>
    /// <param name="cwd">The pane's current path.</param>
    /// <param name="pid">The pane's pid.</param>
    /// <param name="command">The pane's current command.</param>
    /// <param name="created">When the session was created.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe AddTmuxSession(string name, string? cwd = null, long? pid = null, string? command = null, DateTimeOffset? created = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var pane = new TmuxPane(0, 0, pid, command, cwd, created, isActive: true, isDead: false);
        return AddTmuxSession(new TmuxSession(name, created, [pane]));
    }

    /// <summary>Adds (or replaces) a live tmux session as given, and makes the tmux state known.</summary>
    /// <param name="session">The session.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe AddTmuxSession(TmuxSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Set(() =>
        {
            _tmux[session.Name] = session;
            _tmuxUnknownReason = null;
            _noServer = false;
        });
    }

    /// <summary>Removes a tmux session (as if it was killed).</summary>
    /// <param name="name">The session name.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe RemoveTmuxSession(string name) => Set(() => _tmux.Remove(name));

    /// <summary>Makes the tmux state unknown (tmux missing, timed out …); the scripted sessions are kept.</summary>
    /// <param name="reason">Why tmux could not be asked.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetTmuxUnknown(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return Set(() => _tmuxUnknownReason = reason);
    }

    /// <summary>Makes the tmux state known again (the scripted sessions) after <see cref="SetTmuxUnknown"/> or <see cref="SetNoServer"/>.</summary>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetTmuxKnown() => Set(() => (_tmuxUnknownReason, _noServer) = (null, false));

    /// <summary>
    /// Makes no tmux server answer (zero sessions, <see cref="TmuxState.IsNoServer"/>), and says
    /// which recorded pane pids still run their command (a wrong socket rather than a reboot).
    /// </summary>
    /// <param name="alivePanePids">The recorded pane pids whose process is alive and runs the recorded command.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetNoServer(params long[] alivePanePids) => Set(() =>
    {
        (_tmuxUnknownReason, _noServer) = (null, true);
        _alivePanes.Clear();
        _alivePanes.UnionWith(alivePanePids ?? []);
    });

    /// <summary>Adds a Claude transcript written in a working directory. Its session id becomes present.</summary>
    /// <param name="cwd">The working directory recorded in the transcript.</param>
    /// <param name="sessionId">The session id (the file name without <c>.jsonl</c>).</param>
    /// <param name="lastWrite">The file's modification time.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe AddTranscript(string cwd, string sessionId, DateTimeOffset lastWrite)
    {
        ArgumentException.ThrowIfNullOrEmpty(cwd);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        return Set(() =>
        {
            _transcripts.RemoveAll(t => string.Equals(t.Id, sessionId, StringComparison.Ordinal));
            _transcripts.Add(new AgentConversation(sessionId, cwd, lastWrite));
        });
    }

    /// <summary>Removes a Claude transcript (as if the file was deleted); its id becomes missing unless overridden.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe RemoveTranscript(string sessionId) =>
        Set(() => _transcripts.RemoveAll(t => string.Equals(t.Id, sessionId, StringComparison.Ordinal)));

    /// <summary>Overrides whether a Claude session id's transcript exists (for example <see cref="ArtifactPresence.Unknown"/>).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="presence">What to report, or <see langword="null"/> to go back to "present when a transcript was added".</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetClaudeSessionPresence(string sessionId, ArtifactPresence? presence)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        return Set(() =>
        {
            if (presence is { } p)
            {
                _claudePresence[sessionId] = p;
            }
            else
            {
                _claudePresence.Remove(sessionId);
            }
        });
    }

    /// <summary>Makes Claude's files unknown (for example: its config folder does not exist), or known again.</summary>
    /// <param name="reason">Why they cannot be seen, or <see langword="null"/> to make them known again.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetClaudeUnknown(string? reason) => Set(() => _claudeUnknownReason = reason);

    /// <summary>Makes agy's files unknown (for example: its folder does not exist), or known again.</summary>
    /// <param name="reason">Why they cannot be seen, or <see langword="null"/> to make them known again.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetAgyUnknown(string? reason) => Set(() => _agyUnknownReason = reason);

    /// <summary>Adds (or replaces) an agy conversation file.</summary>
    /// <param name="conversationId">The conversation id.</param>
    /// <param name="lastWrite">The modification time of its files.</param>
    /// <param name="presence">Whether it exists; <see cref="ArtifactPresence.Present"/> unless said otherwise.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe AddAgyConversation(string conversationId, DateTimeOffset? lastWrite, ArtifactPresence presence = ArtifactPresence.Present)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return Set(() => _agyConversations[conversationId] = (presence, lastWrite));
    }

    /// <summary>Removes an agy conversation file (its id becomes missing).</summary>
    /// <param name="conversationId">The conversation id.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe RemoveAgyConversation(string conversationId) => Set(() => _agyConversations.Remove(conversationId));

    /// <summary>Sets agy's most recent conversation for a workspace path (<c>last_conversations.json</c>).</summary>
    /// <param name="workspacePath">The absolute workspace path.</param>
    /// <param name="conversationId">The conversation id.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetAgyLastConversation(string workspacePath, string conversationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspacePath);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        return Set(() => _agyLastConversations[workspacePath] = conversationId);
    }

    /// <summary>Says that a working directory lies in a workspace with its own registry (at <paramref name="registryRoot"/>).</summary>
    /// <param name="cwd">A session's working directory.</param>
    /// <param name="registryRoot">The nearest folder at or above it that holds <c>.hermes/agent-sessions.yaml</c>.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetRegistryRoot(string cwd, string registryRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(cwd);
        ArgumentException.ThrowIfNullOrEmpty(registryRoot);
        return Set(() => _registryRoots[cwd] = registryRoot);
    }

    /// <summary>
    /// Scripts any other observation by its key (a source with no builder method here, such as
    /// <see cref="LiveKeys.OtherSocketsPresent"/>); it replaces what the builder methods set for that key.
    /// </summary>
    /// <typeparam name="T">The observation's type.</typeparam>
    /// <param name="key">Which observation.</param>
    /// <param name="observation">What the source saw, or <see langword="null"/> to go back to the default.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetObservation<T>(ObservationKey<T> key, T? observation)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        return Set(() =>
        {
            if (observation is null)
            {
                _observations.Remove(key);
            }
            else
            {
                _observations[key] = live => live.With(key, observation);
            }
        });
    }

    /// <summary>
    /// Scripts one row's attention: <see cref="SetObservation{T}"/> of <see cref="LiveKeys.Attention"/>
    /// with every row set this way so far; <see langword="null"/> removes the row.
    /// </summary>
    /// <param name="sessionName">The row's name.</param>
    /// <param name="attention">The state and its evidence.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetAttention(string sessionName, SessionAttention? attention)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionName);
        return Set(() =>
        {
            if (attention is null)
            {
                _attention.Remove(sessionName);
            }
            else
            {
                _attention[sessionName] = attention;
            }

            SetObservation<IReadOnlyDictionary<string, SessionAttention>>(LiveKeys.Attention, new Dictionary<string, SessionAttention>(_attention, StringComparer.Ordinal));
        });
    }

    /// <summary>Scripts the text that <see cref="CapturePaneAsync"/> returns for a session.</summary>
    /// <param name="sessionName">The session name.</param>
    /// <param name="text">The visible text.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetCapture(string sessionName, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionName);
        ArgumentNullException.ThrowIfNull(text);
        return Set(() => _captures[sessionName] = new PaneCapture(true, text, null));
    }

    /// <summary>Scripts a failed capture for a session.</summary>
    /// <param name="sessionName">The session name.</param>
    /// <param name="reason">Why nothing was captured.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetCaptureFailure(string sessionName, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionName);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return Set(() => _captures[sessionName] = new PaneCapture(false, null, reason));
    }

    /// <inheritdoc />
    public Task<LiveState> ObserveAsync(Registry registry, string workspace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(workspace);
        cancellationToken.ThrowIfCancellationRequested();
        OnObserve?.Invoke(this);
        lock (_sync)
        {
            _observeCount++;
            var tmux = _tmuxUnknownReason is { } reason ? TmuxState.Unknown(reason)
                : _noServer ? TmuxState.NoServer()
                : TmuxState.Known(_tmux.Values.ToArray());
            var live = new LiveState(tmux)
                .With(LiveKeys.Claude, Claude())
                .With(LiveKeys.Agy, Agy())
                .With(LiveKeys.RegistryRoots, new Dictionary<string, string>(_registryRoots, StringComparer.Ordinal))
                .With(LiveKeys.PanesAliveWithoutServer, _noServer ? new HashSet<long>(_alivePanes) : new HashSet<long>());
            foreach (var add in _observations.Values)
            {
                live = add(live);
            }

            return Task.FromResult(live);
        }
    }

    /// <inheritdoc />
    public Task<PaneCapture> CapturePaneAsync(string sessionName, int lines, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionName);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            _capturedSessions.Add(sessionName);
            if (_captures.TryGetValue(sessionName, out var capture))
            {
                return Task.FromResult(capture);
            }

            return Task.FromResult(_tmux.ContainsKey(sessionName) && _tmuxUnknownReason is null && !_noServer
                ? new PaneCapture(true, string.Empty, null)
                : new PaneCapture(false, null, $"can't find session: {sessionName}"));
        }
    }

    private AgentFiles Claude()
    {
        if (_claudeUnknownReason is { } reason)
        {
            return AgentFiles.Unknown(reason);
        }

        var overridden = _claudePresence;
        return new AgentFiles(
            _transcripts.Where(t => !overridden.ContainsKey(t.Id) || overridden[t.Id] == ArtifactPresence.Present),
            overridden.Where(p => p.Value == ArtifactPresence.Present).Select(p => p.Key),
            overridden.Where(p => p.Value == ArtifactPresence.Unknown).Select(p => p.Key));
    }

    private AgentFiles Agy()
    {
        if (_agyUnknownReason is { } reason)
        {
            return AgentFiles.Unknown(reason);
        }

        var conversations = _agyLastConversations
            .Where(p => _agyConversations.TryGetValue(p.Value, out var c) && c is { Presence: ArtifactPresence.Present, LastWrite: not null })
            .Select(p => new AgentConversation(p.Value, p.Key, _agyConversations[p.Value].LastWrite!.Value));
        return new AgentFiles(
            conversations,
            _agyConversations.Where(c => c.Value.Presence == ArtifactPresence.Present).Select(c => c.Key),
            _agyConversations.Where(c => c.Value.Presence == ArtifactPresence.Unknown).Select(c => c.Key));
    }

    private FakeSessionProbe Set(Action change)
    {
        _sync.Run(change);
        return this;
    }
}
