namespace AgentSessions.Reconcile.Testing;

/// <summary>
/// A scriptable <see cref="ISessionProbe"/> for tests: tmux sessions, Claude transcripts, agy
/// conversations and pane captures are set up with builder methods, and each call is counted.
/// Like the real probe, <see cref="ProbeArtifactsAsync"/> answers only what was asked (the
/// requested working directories and ids), and what was never scripted is reported as it would be
/// on an empty machine: no project folder, no transcript, no conversation (missing, not unknown).
/// </summary>
public sealed class FakeSessionProbe : ISessionProbe
{
    private readonly object _sync = new();
    private readonly Dictionary<string, TmuxSession> _tmux = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ClaudeTranscript>> _transcripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ArtifactPresence> _listingPresence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ArtifactPresence> _claudePresence = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AgyConversation> _agyConversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PaneCapture> _captures = new(StringComparer.Ordinal);
    private readonly List<ArtifactRequest> _artifactRequests = new();
    private readonly List<string> _capturedSessions = new();
    private Dictionary<string, string>? _agyLastConversations;
    private string? _tmuxUnknownReason;
    private int _tmuxProbeCount;

    /// <summary>Gets how many times <see cref="ProbeTmuxAsync"/> was called.</summary>
    public int TmuxProbeCount
    {
        get
        {
            lock (_sync)
            {
                return _tmuxProbeCount;
            }
        }
    }

    /// <summary>Gets how many times <see cref="ProbeArtifactsAsync"/> was called.</summary>
    public int ArtifactProbeCount
    {
        get
        {
            lock (_sync)
            {
                return _artifactRequests.Count;
            }
        }
    }

    /// <summary>Gets how many times <see cref="CapturePaneAsync"/> was called.</summary>
    public int CaptureCount
    {
        get
        {
            lock (_sync)
            {
                return _capturedSessions.Count;
            }
        }
    }

    /// <summary>Gets copies of the requests passed to <see cref="ProbeArtifactsAsync"/>, in call order.</summary>
    public IReadOnlyList<ArtifactRequest> ArtifactRequests
    {
        get
        {
            lock (_sync)
            {
                return _artifactRequests.ToArray();
            }
        }
    }

    /// <summary>Gets the session names passed to <see cref="CapturePaneAsync"/>, in call order.</summary>
    public IReadOnlyList<string> CapturedSessions
    {
        get
        {
            lock (_sync)
            {
                return _capturedSessions.ToArray();
            }
        }
    }

    /// <summary>
    /// Gets or sets a callback run at the start of each <see cref="ProbeTmuxAsync"/> call, before the
    /// snapshot is taken (for example to change the scripted state while a pass is under way).
    /// </summary>
    public Action<FakeSessionProbe>? OnProbeTmux { get; set; }

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
        var pane = new TmuxPane(0, 0, pid, command, cwd, created, IsActive: true, IsDead: false);
        return AddTmuxSession(new TmuxSession(name, created, new[] { pane }));
    }

    /// <summary>Adds (or replaces) a live tmux session as given, and makes the tmux state known.</summary>
    /// <param name="session">The session.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe AddTmuxSession(TmuxSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_sync)
        {
            _tmux[session.Name] = session;
            _tmuxUnknownReason = null;
        }

        return this;
    }

    /// <summary>Removes a tmux session (as if it was killed).</summary>
    /// <param name="name">The session name.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe RemoveTmuxSession(string name)
    {
        lock (_sync)
        {
            _tmux.Remove(name);
        }

        return this;
    }

    /// <summary>Makes <see cref="ProbeTmuxAsync"/> report an unknown state (tmux missing, timed out …); the scripted sessions are kept.</summary>
    /// <param name="reason">Why tmux could not be asked.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetTmuxUnknown(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (_sync)
        {
            _tmuxUnknownReason = reason;
        }

        return this;
    }

    /// <summary>Makes <see cref="ProbeTmuxAsync"/> report the scripted sessions again after <see cref="SetTmuxUnknown"/>.</summary>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetTmuxKnown()
    {
        lock (_sync)
        {
            _tmuxUnknownReason = null;
        }

        return this;
    }

    /// <summary>Adds a Claude transcript for a working directory. Its session id becomes present.</summary>
    /// <param name="cwd">The working directory the transcript's project folder belongs to.</param>
    /// <param name="sessionId">The session id (the file name without <c>.jsonl</c>).</param>
    /// <param name="lastWrite">The file's modification time.</param>
    /// <param name="recordedCwd">The <c>cwd</c> recorded inside the file; defaults to <paramref name="cwd"/>.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe AddTranscript(string cwd, string sessionId, DateTimeOffset lastWrite, string? recordedCwd = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(cwd);
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        lock (_sync)
        {
            if (!_transcripts.TryGetValue(cwd, out var list))
            {
                list = new List<ClaudeTranscript>();
                _transcripts[cwd] = list;
            }

            list.RemoveAll(t => string.Equals(t.SessionId, sessionId, StringComparison.Ordinal));
            list.Add(new ClaudeTranscript(sessionId, $"/fake/claude/projects/{sessionId}.jsonl", lastWrite, recordedCwd ?? cwd, sessionId));
        }

        return this;
    }

    /// <summary>Removes a Claude transcript (as if the file was deleted); its id becomes missing unless overridden.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe RemoveTranscript(string sessionId)
    {
        lock (_sync)
        {
            foreach (var list in _transcripts.Values)
            {
                list.RemoveAll(t => string.Equals(t.SessionId, sessionId, StringComparison.Ordinal));
            }
        }

        return this;
    }

    /// <summary>Overrides whether a Claude session id's transcript exists (for example <see cref="ArtifactPresence.Unknown"/>).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="presence">What to report, or <see langword="null"/> to go back to "present when a transcript was added".</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetClaudeSessionPresence(string sessionId, ArtifactPresence? presence)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionId);
        lock (_sync)
        {
            if (presence is { } p)
            {
                _claudePresence[sessionId] = p;
            }
            else
            {
                _claudePresence.Remove(sessionId);
            }
        }

        return this;
    }

    /// <summary>Overrides whether a working directory's Claude project folder could be listed (<see cref="ArtifactPresence.Unknown"/> hides its transcripts).</summary>
    /// <param name="cwd">The working directory.</param>
    /// <param name="presence">What to report, or <see langword="null"/> to go back to the default.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetProjectListingPresence(string cwd, ArtifactPresence? presence)
    {
        ArgumentException.ThrowIfNullOrEmpty(cwd);
        lock (_sync)
        {
            if (presence is { } p)
            {
                _listingPresence[cwd] = p;
            }
            else
            {
                _listingPresence.Remove(cwd);
            }
        }

        return this;
    }

    /// <summary>Adds (or replaces) an agy conversation file.</summary>
    /// <param name="conversationId">The conversation id.</param>
    /// <param name="lastWrite">The modification time of its files.</param>
    /// <param name="presence">Whether it exists; <see cref="ArtifactPresence.Present"/> unless said otherwise.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe AddAgyConversation(string conversationId, DateTimeOffset? lastWrite, ArtifactPresence presence = ArtifactPresence.Present)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        lock (_sync)
        {
            _agyConversations[conversationId] = new AgyConversation(presence, lastWrite);
        }

        return this;
    }

    /// <summary>Removes an agy conversation file (its id becomes missing).</summary>
    /// <param name="conversationId">The conversation id.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe RemoveAgyConversation(string conversationId)
    {
        lock (_sync)
        {
            _agyConversations.Remove(conversationId);
        }

        return this;
    }

    /// <summary>Sets agy's most recent conversation for a workspace path (<c>last_conversations.json</c>), making the map readable.</summary>
    /// <param name="workspacePath">The absolute workspace path.</param>
    /// <param name="conversationId">The conversation id.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetAgyLastConversation(string workspacePath, string conversationId)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspacePath);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        lock (_sync)
        {
            _agyLastConversations ??= new Dictionary<string, string>(StringComparer.Ordinal);
            _agyLastConversations[workspacePath] = conversationId;
        }

        return this;
    }

    /// <summary>Makes agy's conversation map unreadable (absent, empty or mid-rewrite): reported as <see langword="null"/>. This is the default.</summary>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetAgyLastConversationsUnknown()
    {
        lock (_sync)
        {
            _agyLastConversations = null;
        }

        return this;
    }

    /// <summary>Scripts the text that <see cref="CapturePaneAsync"/> returns for a session.</summary>
    /// <param name="sessionName">The session name.</param>
    /// <param name="text">The visible text.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetCapture(string sessionName, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionName);
        ArgumentNullException.ThrowIfNull(text);
        lock (_sync)
        {
            _captures[sessionName] = new PaneCapture(true, text, null);
        }

        return this;
    }

    /// <summary>Scripts a failed capture for a session.</summary>
    /// <param name="sessionName">The session name.</param>
    /// <param name="reason">Why nothing was captured.</param>
    /// <returns>This probe.</returns>
    public FakeSessionProbe SetCaptureFailure(string sessionName, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionName);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        lock (_sync)
        {
            _captures[sessionName] = new PaneCapture(false, null, reason);
        }

        return this;
    }

    /// <inheritdoc />
    public Task<TmuxState> ProbeTmuxAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        OnProbeTmux?.Invoke(this);
        lock (_sync)
        {
            _tmuxProbeCount++;
            return Task.FromResult(_tmuxUnknownReason is { } reason
                ? TmuxState.Unknown(reason)
                : TmuxState.Known(_tmux.Values.ToArray()));
        }
    }

    /// <inheritdoc />
    public Task<ArtifactState> ProbeArtifactsAsync(ArtifactRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_sync)
        {
            var copy = new ArtifactRequest();
            copy.Cwds.UnionWith(request.Cwds);
            copy.ClaudeSessionIds.UnionWith(request.ClaudeSessionIds);
            copy.AgyConversationIds.UnionWith(request.AgyConversationIds);
            _artifactRequests.Add(copy);

            var listings = new Dictionary<string, ClaudeProjectListing>(StringComparer.Ordinal);
            foreach (var cwd in request.Cwds)
            {
                _transcripts.TryGetValue(cwd, out var list);
                var presence = _listingPresence.TryGetValue(cwd, out var p)
                    ? p
                    : list is { Count: > 0 } ? ArtifactPresence.Present : ArtifactPresence.Missing;
                IReadOnlyList<ClaudeTranscript> transcripts = presence == ArtifactPresence.Present && list is not null
                    ? list.OrderByDescending(t => t.LastWrite).ToArray()
                    : Array.Empty<ClaudeTranscript>();
                listings[cwd] = new ClaudeProjectListing(presence, transcripts);
            }

            var claude = new Dictionary<string, ArtifactPresence>(StringComparer.Ordinal);
            foreach (var id in request.ClaudeSessionIds)
            {
                claude[id] = _claudePresence.TryGetValue(id, out var p)
                    ? p
                    : _transcripts.Values.Any(l => l.Exists(t => string.Equals(t.SessionId, id, StringComparison.Ordinal)))
                        ? ArtifactPresence.Present
                        : ArtifactPresence.Missing;
            }

            var agy = new Dictionary<string, AgyConversation>(StringComparer.Ordinal);
            foreach (var id in request.AgyConversationIds)
            {
                agy[id] = _agyConversations.TryGetValue(id, out var c) ? c : new AgyConversation(ArtifactPresence.Missing, null);
            }

            var map = _agyLastConversations is null
                ? null
                : new Dictionary<string, string>(_agyLastConversations, StringComparer.Ordinal);
            return Task.FromResult(new ArtifactState(listings, claude, map, agy));
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

            return Task.FromResult(_tmux.ContainsKey(sessionName) && _tmuxUnknownReason is null
                ? new PaneCapture(true, string.Empty, null)
                : new PaneCapture(false, null, $"can't find session: {sessionName}"));
        }
    }
}
