using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Passes parser events through, replaying an anchored node's events where an alias refers to it, so
/// a reader of events sees every alias expanded (the limits were checked on the way in).
/// </summary>
internal sealed class AliasReplay(IParser inner) : IParser
{
    private readonly Dictionary<string, List<ParsingEvent>> anchors = new(StringComparer.Ordinal);
    private readonly List<(string Anchor, List<ParsingEvent> Events, int Depth)> recording = [];
    private readonly Queue<ParsingEvent> replay = new();

    public ParsingEvent? Current { get; private set; }

    public bool MoveNext()
    {
        if (replay.TryDequeue(out var replayed))
        {
            Current = replayed;
        }
        else if (!inner.MoveNext())
        {
            return false;
        }
        else if (inner.Current is AnchorAlias alias)
        {
            // The checker refused aliases without an anchor before them.
            var events = anchors[alias.Value.Value];
            for (var i = 1; i < events.Count; i++)
            {
                replay.Enqueue(events[i]);
            }

            Current = events[0];
        }
        else
        {
            Current = inner.Current;
        }

        Record(Current!);
        return true;
    }

    private void Record(ParsingEvent ev)
    {
        if (recording.Count == 0 && ev is not NodeEvent { Anchor.IsEmpty: false })
        {
            return;
        }

        var step = ev switch { MappingStart or SequenceStart => 1, MappingEnd or SequenceEnd => -1, _ => 0 };
        for (var i = recording.Count - 1; i >= 0; i--)
        {
            var (anchor, events, depth) = recording[i];
            events.Add(ev);
            recording[i] = (anchor, events, depth + step);
            if (depth + step == 0)
            {
                anchors[anchor] = events;
                recording.RemoveAt(i);
            }
        }

        if (ev is NodeEvent { Anchor.IsEmpty: false } node && replay.Count == 0)
        {
            var events = new List<ParsingEvent> { ev };
            if (step == 0)
            {
                anchors[node.Anchor.Value] = events;
            }
            else
            {
                recording.Add((node.Anchor.Value, events, step));
            }
        }
    }
}
