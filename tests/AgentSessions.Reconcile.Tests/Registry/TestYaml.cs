using AgentSessions.Reconcile.Yaml;

namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>The store's parse, map and write steps on text in memory.</summary>
internal static class TestYaml
{
    public static readonly YamlLimits Limits = new(64, 10_000);

    /// <summary>The node tree (what a full save edits).</summary>
    public static YamlText Parse(string text) => RegistryYaml.Parse("t", text, hasBom: false, Limits);

    /// <summary>What a read maps the text to, straight from the parser's events.</summary>
    public static RegistrySnapshot Read(string text) => RegistryReader.Read("t", text, hasBom: false, Limits);

    public static LoadedRegistry Load(string text) => new("t", Read(text), System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Applies <paramref name="change"/> to <paramref name="loaded"/> and renders the result as the store would (<see langword="null"/>: no change).</summary>
    public static string? Write(LoadedRegistry loaded, Action<Reconcile.Registry> change, out bool spliced, Func<string, string>? tamper = null) =>
        Write(loaded, change, out spliced, out _, tamper);

    public static string? Write(LoadedRegistry loaded, Action<Reconcile.Registry> change, out bool spliced, out RegistrySnapshot? verified, Func<string, string>? tamper = null)
    {
        var edits = new RegistryEdits(loaded);
        change(loaded.Registry);
        return RegistryWriter.Write("t", loaded, edits, Limits, tamper, out spliced, out verified) is { } file ? System.Text.Encoding.UTF8.GetString(file) : null;
    }

    /// <summary>Checks that what a write verified (and the store caches) is what a fresh read of the written text gives: values and row positions.</summary>
    public static void ShouldBeReadOf(this RegistrySnapshot? verified, string written)
    {
        var read = Read(written);
        verified.Should().NotBeNull();
        RegistryWriter.Matches(verified!, read.Copy()).Should().BeTrue(written);
        verified!.Spans.Should().Equal(read.Spans, written);
        (verified.SessionsEnd, verified.HasBom, verified.NewLine, verified.UsesAnchors).Should().Be((read.SessionsEnd, read.HasBom, read.NewLine, read.UsesAnchors), written);
    }
}
