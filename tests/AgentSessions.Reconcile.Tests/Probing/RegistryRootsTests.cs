using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>Issue 17: rows under one workspace share the walk to its root; each folder is asked once a pass.</summary>
public sealed class RegistryRootsTests : IDisposable
{
    private static readonly FileSystem Fs = new();
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Of_RowsUnderOneWorkspace_ShareTheWalkAndFindWhatFindFinds()
    {
        var ws = Path.Combine(_temp.Path, "ws");
        Directory.CreateDirectory(Path.Combine(ws, ".hermes"));
        File.WriteAllText(Path.Combine(ws, ".hermes", "agent-sessions.yaml"), "version: 1\n");
        var nested = Path.Combine(ws, "p2", "sub");
        string[] cwds = [Path.Combine(ws, "p1"), nested, ws, Path.Combine(_temp.Path, "elsewhere")];
        var folders = new Dictionary<string, string?>(StringComparer.Ordinal);

        var found = cwds.Select(c => RegistryRoots.Of(Fs, c, folders)).ToList();

        found.Should().Equal(ws, ws, ws, null);
        var alone = RegistryRoots.Find(Fs, cwds);
        found.Take(3).Should().Equal(cwds.Take(3).Select(c => alone[c]));
        alone.Should().NotContainKey(cwds[3]);

        // Each folder was asked once: the walks of p1 and p2/sub stopped at ws's answer.
        folders.Should().ContainKeys(ws, Path.Combine(ws, "p1"), Path.Combine(ws, "p2"), nested, _temp.Path);
        File.Delete(Path.Combine(ws, ".hermes", "agent-sessions.yaml"));
        RegistryRoots.Of(Fs, Path.Combine(ws, "p3"), folders).Should().Be(ws, "this pass's answer for ws holds");
        RegistryRoots.Of(Fs, Path.Combine(ws, "p3"), []).Should().NotBe(ws);
    }
}
