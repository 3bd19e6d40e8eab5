using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

internal enum EditKind
{
    /// <summary>Replace the value of <see cref="Edit.Key"/> (a scalar, or a whole value).</summary>
    SetValue,

    /// <summary>Add <see cref="Edit.Key"/> with <see cref="Edit.New"/> after the key <see cref="Edit.After"/> (at the end when <see langword="null"/>).</summary>
    InsertKey,

    /// <summary>Remove <see cref="Edit.Key"/> and its value.</summary>
    RemoveKey,

    /// <summary>Add <see cref="Edit.New"/> at the end of the sequence.</summary>
    AppendItem,

    /// <summary>Remove the item <see cref="Edit.Old"/> from the sequence.</summary>
    RemoveItem,

    /// <summary>Give the sequence <see cref="Edit.Items"/> (a reorder, or an insert not at the end): full save only.</summary>
    SetItems,

    /// <summary>Give an empty document the root <see cref="Edit.New"/>.</summary>
    SetRoot,
}

/// <summary>
/// One change to the parsed file. <see cref="Container"/> is the mapping or sequence changed (the
/// document's node), <see cref="Depth"/> its nesting depth.
/// </summary>
internal sealed record Edit(EditKind Kind, YamlNode? Container, int Depth, YamlScalarNode? Key = null, YamlNode? Old = null, YamlNode? New = null, List<YamlNode>? Items = null, YamlScalarNode? After = null);

/// <summary>Applies edits to the node tree: for the verification's comparison and the full save.</summary>
internal static class TreeEdits
{
    /// <summary>Applies the edits to the node tree (new nodes for changed values; unchanged nodes, unknown keys included, stay).</summary>
    public static void Apply(YamlText yaml, List<Edit> edits)
    {
        foreach (var edit in edits)
        {
            var map = edit.Container as YamlMappingNode;
            var seq = edit.Container as YamlSequenceNode;
            switch (edit.Kind)
            {
                case EditKind.SetValue: map!.Children[edit.Key!] = edit.New!; break;
                case EditKind.InsertKey:
                    var at = edit.After is null ? map!.Children.Count : map!.Children.Keys.ToList().FindIndex(k => ReferenceEquals(k, edit.After)) + 1;
                    map.Children.Insert(at, edit.Key!, edit.New!);
                    break;
                case EditKind.RemoveKey: map!.Children.Remove(edit.Key!); break;
                case EditKind.AppendItem: seq!.Add(edit.New!); break;
                case EditKind.RemoveItem: seq!.Children.RemoveAt(IndexOf(seq, edit.Old!)); break;
                case EditKind.SetRoot: yaml.Root = edit.New; break;
                case EditKind.SetItems:
                    seq!.Children.Clear();
                    edit.Items!.ForEach(seq.Add);
                    break;
            }
        }
    }

    /// <summary>Gives every alias its own copy of the anchored node, so an edit through one alias changes only that place.</summary>
    public static YamlNode Unshare(YamlNode node) => node switch
    {
        YamlMappingNode map => new YamlMappingNode(map.Children.Select(static p => KeyValuePair.Create(Unshare(p.Key), Unshare(p.Value)))) { Style = map.Style, Tag = map.Tag },
        YamlSequenceNode seq => new YamlSequenceNode(seq.Children.Select(Unshare)) { Style = seq.Style, Tag = seq.Tag },
        YamlScalarNode scalar => new YamlScalarNode(scalar.Value) { Style = scalar.Style, Tag = scalar.Tag },
        _ => node,
    };

    private static int IndexOf(YamlSequenceNode seq, YamlNode item)
    {
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (ReferenceEquals(seq.Children[i], item))
            {
                return i;
            }
        }

        throw new InvalidOperationException("The item to remove is not in the sequence.");
    }
}
