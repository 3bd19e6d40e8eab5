using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>The store's parse, map and write steps on text in memory.</summary>
internal static class TestYaml
{
    public static readonly YamlLimits Limits = new(64, 10_000);

    public static YamlText Parse(string text) => RegistryYaml.Parse("t", text, hasBom: false, Limits);

    public static LoadedRegistry Load(string text) => RegistryMapper.Map("t", Parse(text));

    /// <summary>Applies <paramref name="change"/> to <paramref name="loaded"/> and renders the result as the store would (<see langword="null"/>: no change).</summary>
    public static string? Write(LoadedRegistry loaded, Action<Reconcile.Registry> change, out bool spliced, Func<string, string>? tamper = null) =>
        Write(loaded, change, out spliced, out _, tamper);

    public static string? Write(LoadedRegistry loaded, Action<Reconcile.Registry> change, out bool spliced, out YamlText? verified, Func<string, string>? tamper = null)
    {
        var edits = new RegistryEdits(loaded);
        change(loaded.Registry);
        return RegistryWriter.Write("t", loaded, edits, Limits, tamper, out spliced, out verified);
    }
}
