namespace AgentSessions.Reconcile;

/// <summary>
/// What a workspace's reconcile passes have reported (so a repeat is not reported again) and since
/// when each end-state row's tmux has been seen alive. Kept by an <see cref="IDriftStateStore"/>.
/// </summary>
public sealed class DriftState
{
    /// <summary>Gets the drifts reported and still outstanding, by key.</summary>
    public IDictionary<DriftKey, ReportedDrift> Reported { get; } = new Dictionary<DriftKey, ReportedDrift>();

    /// <summary>Gets, for each end-state row whose tmux is alive, when that was first seen.</summary>
    public IDictionary<string, DateTimeOffset> EndStateAliveFirstSeen { get; } = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);

    internal bool ContentEquals(DriftState other) =>
        Reported.Count == other.Reported.Count
        && EndStateAliveFirstSeen.Count == other.EndStateAliveFirstSeen.Count
        && Reported.All(p => other.Reported.TryGetValue(p.Key, out var r) && r.SameAs(p.Value))
        && EndStateAliveFirstSeen.All(p => other.EndStateAliveFirstSeen.TryGetValue(p.Key, out var t) && t == p.Value);
}

/// <summary>One reported drift as the coalescing state remembers it.</summary>
/// <param name="hash">A hash of what was seen (not what was done): a changed drift has another hash and is reported again.</param>
/// <param name="message">The sentence that was reported.</param>
/// <param name="at">When it was reported (the pass's observation time).</param>
public sealed class ReportedDrift(string hash, string message, DateTimeOffset at)
{
    /// <summary>Gets a hash of what was seen (not what was done): a changed drift has another hash and is reported again.</summary>
    public string Hash { get; } = hash;

    /// <summary>Gets the sentence that was reported.</summary>
    public string Message { get; } = message;

    /// <summary>Gets when it was reported (the pass's observation time).</summary>
    public DateTimeOffset At { get; } = at;

    internal bool SameAs(ReportedDrift other) =>
        string.Equals(Hash, other.Hash, StringComparison.Ordinal) && string.Equals(Message, other.Message, StringComparison.Ordinal) && At == other.At;
}

/// <summary>
/// Keeps each workspace's <see cref="DriftState"/> between passes. The reconciler reads and writes
/// it under the registry's lock, so two monitors of one workspace do not report the same drift twice.
/// </summary>
public interface IDriftStateStore
{
    /// <summary>Reads a workspace's state; a workspace without one has an empty state.</summary>
    /// <param name="workspace">The workspace name.</param>
    /// <returns>The state.</returns>
    /// <exception cref="IOException">The state cannot be read or is corrupt; the message says which and where.</exception>
    /// <exception cref="UnauthorizedAccessException">The state cannot be read.</exception>
    DriftState Load(string workspace);

    /// <summary>Replaces a workspace's state.</summary>
    /// <param name="workspace">The workspace name.</param>
    /// <param name="state">The new state.</param>
    /// <exception cref="IOException">The state cannot be written; the message says where and why.</exception>
    /// <exception cref="UnauthorizedAccessException">The state cannot be written.</exception>
    void Save(string workspace, DriftState state);
}

/// <summary>Creates drift state stores.</summary>
public static class DriftStateStore
{
    /// <summary>
    /// Creates the file store: one JSON file per workspace, <c>&lt;stateDirectory&gt;/&lt;workspace&gt;.state</c>,
    /// by default <c>&lt;workspaceRoot&gt;/.cache/tmux-agent-orchestrate-monitor</c> (when the store
    /// creates <c>.cache/</c>, it puts a <c>.gitignore</c> holding <c>*</c> in it). Writes are atomic.
    /// It reads no environment variable: hosts pass <c>AGENT_SESSIONS_STATE_DIR</c> as <paramref name="stateDirectory"/>.
    /// </summary>
    /// <param name="workspaceRoot">The workspace root (the folder that holds <c>.hermes/</c>).</param>
    /// <param name="stateDirectory">The state folder, or <see langword="null"/> for the default.</param>
    /// <returns>The store.</returns>
    public static IDriftStateStore CreateFile(string workspaceRoot, string? stateDirectory = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(workspaceRoot);
        return new FileDriftStateStore(new System.IO.Abstractions.FileSystem(), workspaceRoot, string.IsNullOrEmpty(stateDirectory) ? null : stateDirectory);
    }
}
