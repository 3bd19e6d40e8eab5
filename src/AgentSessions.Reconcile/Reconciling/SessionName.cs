using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace AgentSessions.Reconcile;

/// <summary>
/// The name of an agent's tmux session: <c>&lt;workspace&gt;-&lt;project&gt;-creator-&lt;agent&gt;</c>
/// or <c>&lt;workspace&gt;-creator-&lt;agent&gt;</c>, where the agent is one word of letters, digits
/// and <c>_</c>. tmux stores <c>.</c> and <c>:</c> in a session name as <c>_</c>, so a workspace
/// named <c>my.app</c> has sessions that tmux lists as <c>my_app-…</c>; both spellings parse.
/// </summary>
internal sealed partial record SessionName(string? Project, string Agent)
{
    /// <summary>The name tmux stores for a session name: <c>.</c> and <c>:</c> become <c>_</c>.</summary>
    public static string ToTmux(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.AsSpan().IndexOfAny('.', ':') >= 0 ? name.Replace('.', '_').Replace(':', '_') : name;
    }

    /// <summary>Parses a session name of the given workspace (as typed, or as tmux stores it).</summary>
    public static bool TryParse(string name, string workspace, [NotNullWhen(true)] out SessionName? parsed)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(workspace);
        return TryParseAfter(name, workspace, out parsed)
            || (ToTmux(workspace) is var stored && !ReferenceEquals(stored, workspace) && TryParseAfter(name, stored, out parsed));
    }

    /// <summary>The agent of a registry row: its <c>agent</c> field, or else the suffix of its name.</summary>
    public static string? AgentOf(SessionRow row, string workspace)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Agent ?? (TryParse(row.Name, workspace, out var parsed) ? parsed.Agent : null);
    }

    /// <summary>
    /// The live sessions named like this workspace's agents that no registry row names (by its
    /// name, or the name tmux stores for it), in name order; none when tmux is unknown.
    /// </summary>
    public static IReadOnlyList<TmuxSession> FindUnregistered(Registry registry, TmuxState tmux, string workspace)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(tmux);
        ArgumentNullException.ThrowIfNull(workspace);
        if (!tmux.IsKnown || tmux.Sessions.Count == 0)
        {
            return [];
        }

        // Each row takes its names out of the live ones (few): no set of every row's two names.
        var unknown = tmux.Sessions.Keys.ToHashSet(StringComparer.Ordinal);
        var byStored = unknown.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[TmuxState.MaxStackName];
        foreach (var row in registry.Sessions)
        {
            if (unknown.Count == 0)
            {
                break;
            }

            var name = row.Name;
            unknown.Remove(name);
            if (name.AsSpan().IndexOfAny('.', ':') >= 0)
            {
                var stored = name.Length <= buffer.Length ? buffer[..name.Length] : new char[name.Length];
                TmuxState.ToStored(name, stored);
                byStored.Remove(stored);
            }
        }

        return [.. tmux.Sessions.Values.Where(s => unknown.Contains(s.Name) && TryParse(s.Name, workspace, out _)).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    private static bool TryParseAfter(string name, string workspace, out SessionName? parsed)
    {
        parsed = null;
        if (workspace.Length == 0 || name.Length <= workspace.Length + 1 || !name.StartsWith(workspace, StringComparison.Ordinal) || name[workspace.Length] != '-'
            || AfterWorkspace().Match(name, workspace.Length + 1) is not { Success: true } m)
        {
            return false;
        }

        parsed = new SessionName(m.Groups["project"].Success ? m.Groups["project"].Value : null, m.Groups["agent"].Value);
        return true;
    }

    // "creator-<agent>" or "<project>-creator-<agent>" (the last "-creator-"), the agent one word of [A-Za-z0-9_].
    [GeneratedRegex(@"\G(?>creator-|(?<project>[\s\S]+)-creator-)(?<agent>[A-Za-z0-9_]+)\z", RegexOptions.CultureInvariant)]
    private static partial Regex AfterWorkspace();
}
