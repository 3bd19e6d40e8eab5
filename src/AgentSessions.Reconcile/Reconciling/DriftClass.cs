using System.Collections.Concurrent;
using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile;

/// <summary>
/// A kind of drift between the registry and the live state, owned by the rule that finds it. The
/// JSON report spells each by its one-letter code (<see cref="Letter"/>: <c>"A"</c> … <c>"F"</c>).
/// </summary>
public sealed class DriftClass
{
    private static readonly ConcurrentDictionary<char, DriftClass> Known = new();

    /// <summary>Initializes a new instance of the <see cref="DriftClass"/> class (one per rule).</summary>
    /// <param name="letter">The one-letter code.</param>
    /// <param name="name">The name, as logs say it.</param>
    /// <param name="keyNamesField">Whether its drift key names the field (a row can have several such drifts).</param>
    /// <param name="needsTmux">Whether it is decided from tmux: while tmux is unknown, a drift reported before stays reported.</param>
    /// <exception cref="InvalidOperationException">Another class has this letter.</exception>
    internal DriftClass(char letter, string name, bool keyNamesField = false, bool needsTmux = false)
    {
        Letter = letter;
        Name = name;
        KeyNamesField = keyNamesField;
        NeedsTmux = needsTmux;
        if (!Known.TryAdd(letter, this))
        {
            throw new InvalidOperationException($"Drift class letter {letter} is taken by {Known[letter].Name}; {name} needs another.");
        }
    }

    /// <summary>Gets A: the row says <c>running</c> but its tmux session is gone; the row is marked <c>terminated</c>.</summary>
    public static DriftClass TmuxGone => TmuxGoneRule.TmuxGone;

    /// <summary>Gets B: a tmux session named like this workspace's agents is alive with no row; a row is registered.</summary>
    public static DriftClass Unregistered => UnregisteredRule.Unregistered;

    /// <summary>Gets C: a row's own session id was empty and its transcript or conversation appeared; the id is filled in.</summary>
    public static DriftClass IdMaterialized => IdMaterializedRule.IdMaterialized;

    /// <summary>Gets D: an id in the row points at a transcript or conversation that is gone; reported, nothing changed.</summary>
    public static DriftClass StaleId => StaleIdRule.StaleId;

    /// <summary>Gets E: a row in an end state still has a live tmux session past the grace window; reported, never revived.</summary>
    public static DriftClass EndStateAlive => EndStateAliveRule.EndStateAlive;

    /// <summary>
    /// Gets F: a running row's agent needs its human: waiting (permission or question) longer than
    /// <see cref="ReconcilerOptions.AttentionAfter"/>, limited (usage limit, API error) or wedged;
    /// reported once per episode, nothing changed.
    /// </summary>
    public static DriftClass NeedsAttention => NeedsAttentionRule.NeedsAttention;

    /// <summary>Gets the one-letter code the reports, keys and metrics use (<c>A</c> to <c>F</c>).</summary>
    public char Letter { get; }

    /// <summary>Gets the name (for example <c>TmuxGone</c>).</summary>
    public string Name { get; }

    /// <summary>Gets a value indicating whether a drift key of this class names the field.</summary>
    internal bool KeyNamesField { get; }

    /// <summary>Gets a value indicating whether this class is decided from tmux.</summary>
    internal bool NeedsTmux { get; }

    /// <inheritdoc />
    public override string ToString() => Name;

    /// <summary>The class with this letter (a registered rule's, or any rule's made so far), or <see langword="null"/>.</summary>
    internal static DriftClass? Of(char letter)
    {
        _ = DriftRules.Default;
        return Known.TryGetValue(letter, out var found) ? found : null;
    }
}
