using YamlDotNet.RepresentationModel;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>
/// Turns a changed registry into the text to write: the edits spliced into the original text, else
/// the edited node tree saved whole by YamlDotNet (values, unknown keys and order kept; comments and
/// formatting not). A text is returned only when its re-parse is the edited tree, node by node, and
/// maps to the changed registry.
/// </summary>
internal static class RegistryWriter
{
    /// <summary>
    /// Validates, diffs and renders; <see langword="null"/> when the content did not change.
    /// <paramref name="tamper"/> (tests only) alters the spliced text before it is verified, to prove a bad splice is caught.
    /// </summary>
    public static string? Write(string path, LoadedRegistry loaded, RegistryEdits changes, YamlLimits limits, Func<string, string>? tamper, out bool spliced, out YamlText? verified)
    {
        spliced = false;
        verified = null;
        RegistryEdits.Validate(path, loaded.Registry);
        var edits = changes.Diff();
        if (edits.Count == 0)
        {
            return null;
        }

        var yaml = loaded.Yaml;
        var text = TextSplicer.TryApply(yaml, edits) is { } splice ? tamper?.Invoke(splice) ?? splice : null;
        TreeEdits.Apply(yaml, edits);
        if (text is not null && Verifies(path, text, loaded, changes.ChangedRows, limits, out verified))
        {
            spliced = true;
            return text;
        }

        var saved = Y.EmitWhole(yaml.Root!).Replace("\n", yaml.NewLine, StringComparison.Ordinal);
        return Verifies(path, saved, loaded, changes.ChangedRows, limits, out verified)
            ? saved
            : throw RegistryErrors.At(RegistryErrorKind.Io, path, "the registry could not be written in a form that reads back to the same values; nothing was written.");
    }

    /// <summary>
    /// Re-parses <paramref name="text"/> and checks it is the edited tree, node by node, and maps to the
    /// changed registry: each changed row maps to exactly its typed values (the others are, node by
    /// node, what they were loaded from, and mapped then).
    /// </summary>
    private static bool Verifies(string path, string text, LoadedRegistry intended, Dictionary<SessionRow, YamlMappingNode> changed, YamlLimits limits, out YamlText? reparsed)
    {
        reparsed = null;
        try
        {
            var yaml = RegistryYaml.Parse(path, text, intended.Yaml.HasBom, limits);
            var registry = intended.Registry;
            var reader = new RegistryMapper.Reader(path);
            var root = yaml.Root as YamlMappingNode;
            var version = root is not null && Y.Get(root, "version") is { } v ? reader.Integer(v, "version") ?? 1 : 1;
            var workspace = root is not null && Y.Get(root, "workspace") is { } w ? reader.String(w, "workspace") : null;
            var rows = (root is not null ? Y.Get(root, "sessions") as YamlSequenceNode : null)?.Children ?? [];
            if (!Y.Same(yaml.Root, intended.Yaml.Root) || version != registry.Version
                || !string.Equals(workspace, registry.Workspace, StringComparison.Ordinal) || rows.Count != registry.Sessions.Count)
            {
                return false;
            }

            for (var i = 0; i < rows.Count; i++)
            {
                if (changed.TryGetValue(registry.Sessions[i], out var rendered)
                    && (rows[i] is not YamlMappingNode row || !Y.Same(Y.Render(reader.Row(row, "sessions")), rendered)))
                {
                    return false;
                }
            }

            reparsed = yaml;
            return true;
        }
        catch (RegistryException)
        {
            return false;
        }
    }
}
