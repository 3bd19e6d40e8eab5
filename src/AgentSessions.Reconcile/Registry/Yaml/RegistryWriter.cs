using System.Text;
using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Turns a changed registry into the text to write: the changed rows spliced into the original text
/// one by one (<see cref="RowSplice"/>), else the edits spliced into the whole parsed file, else the
/// edited node tree saved whole by YamlDotNet (values, unknown keys and order kept; comments and
/// formatting not). A text is returned only when it verifies: it reads back to the changed registry.
/// </summary>
internal static class RegistryWriter
{
    /// <summary>
    /// Validates, compares and renders the whole new file (its byte order mark kept); <see langword="null"/> when the content did not change.
    /// <paramref name="tamper"/> (tests only) alters a spliced text before it is verified, to prove a bad splice is caught.
    /// <paramref name="verified"/> is what the written text reads as (for the store's cache).
    /// </summary>
    public static byte[]? Write(string path, LoadedRegistry loaded, RegistryEdits changes, YamlLimits limits, Func<string, string>? tamper, out bool spliced, out RegistrySnapshot? verified)
    {
        spliced = false;
        verified = null;
        RegistryEdits.Validate(path, loaded.Registry);
        if (!changes.Compare())
        {
            return null;
        }

        if (RowSplice.TryWrite(loaded, changes, limits, tamper, out var rows, out verified))
        {
            spliced = true;
            return rows;
        }

        // Anything else (version or workspace, rows reordered, anchors, flow style, a row that did not
        // splice on its own): the whole file as a node tree.
        var snapshot = loaded.Snapshot;
        var yaml = RegistryYaml.Parse(path, loaded.Text, snapshot.HasBom, limits);
        if (yaml is { UsesAnchors: true, Root: { } root })
        {
            yaml.Root = TreeEdits.Unshare(root);
        }

        var edits = changes.Diff(yaml);
        if (edits.Count == 0)
        {
            return null;
        }

        var text = TextSplicer.TryApply(yaml, edits) is { } splice ? tamper?.Invoke(splice) ?? splice : null;
        TreeEdits.Apply(yaml, edits);
        if (text is not null && Verifies(path, text, loaded.Registry, yaml, limits, out verified))
        {
            spliced = true;
            return Encode(text, yaml.HasBom);
        }

        var saved = Y.EmitWhole(yaml.Root!).Replace("\n", yaml.NewLine, StringComparison.Ordinal);
        return Verifies(path, saved, loaded.Registry, yaml, limits, out verified)
            ? Encode(saved, yaml.HasBom)
            : throw RegistryErrors.At(RegistryErrorKind.Io, path, "the registry could not be written in a form that reads back to the same values; nothing was written.");
    }

    private static byte[] Encode(string text, bool bom)
    {
        var body = Encoding.UTF8.GetBytes(text);
        return bom ? [0xEF, 0xBB, 0xBF, .. body] : body;
    }

    /// <summary>Gets a value indicating whether a read of a text gives exactly the typed registry.</summary>
    public static bool Matches(RegistrySnapshot read, Registry intended) =>
        read.Version == intended.Version && string.Equals(read.Workspace, intended.Workspace, StringComparison.Ordinal)
        && read.Rows.Length == intended.Sessions.Count && read.Rows.Zip(intended.Sessions).All(static p => RowValues.Same(p.First, p.Second));

    /// <summary>Re-parses the whole <paramref name="text"/>: it must be the edited tree, node by node, and read as the changed registry.</summary>
    private static bool Verifies(string path, string text, Registry intended, YamlText edited, YamlLimits limits, out RegistrySnapshot? read)
    {
        read = null;
        try
        {
            if (!Y.Same(RegistryYaml.Parse(path, text, edited.HasBom, limits).Root, edited.Root))
            {
                return false;
            }

            var snapshot = RegistryReader.Read(path, text, edited.HasBom, limits);
            read = Matches(snapshot, intended) ? snapshot : null;
            return read is not null;
        }
        catch (RegistryException)
        {
            return false;
        }
    }

    /// <summary>Gets the first item of a parsed block list of rows (a row's text parsed on its own).</summary>
    internal static YamlMappingNode? FirstItem(YamlText rows) =>
        rows.Root is YamlSequenceNode { Children.Count: 1 } seq ? seq.Children[0] as YamlMappingNode : null;
}
