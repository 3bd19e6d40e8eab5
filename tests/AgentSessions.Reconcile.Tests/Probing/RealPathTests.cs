using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>Issue 17: paths that share folders resolve each folder once, with the same answers as alone.</summary>
public sealed class RealPathTests : IDisposable
{
    private static readonly FileSystem Fs = new();
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Resolve_WithSharedFolders_GivesWhatEachPathGivesAlone()
    {
        Directory.CreateDirectory(Path.Combine(_temp.Path, "real", "a", "b"));
        File.CreateSymbolicLink(Path.Combine(_temp.Path, "abs"), Path.Combine(_temp.Path, "real"));
        File.CreateSymbolicLink(Path.Combine(_temp.Path, "rel"), "real/a");
        File.CreateSymbolicLink(Path.Combine(_temp.Path, "real", "a", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(_temp.Path, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(_temp.Path, "loop2"), "loop1");
        string[] paths =
        [
            _temp.Path, "/", "/tmp", _temp.Path + "/real/a/b", _temp.Path + "/abs/a/b", _temp.Path + "/rel/b", _temp.Path + "/rel/up/a/b/",
            _temp.Path + "/abs/a/../a/b", _temp.Path + "/abs/missing/x", _temp.Path + "/rel/up/up/rel/b", _temp.Path + "/loop1/x", _temp.Path + "/loop1",
            _temp.Path + "/./real//a", "relative/to/cwd",
        ];
        var folders = new Dictionary<string, (string Real, int Links)>(StringComparer.Ordinal);

        var shared = paths.Select(p => RealPath.Resolve(Fs, p, folders)).ToList();

        shared.Should().Equal(paths.Select(p => RealPath.Resolve(Fs, p)));
        shared[4].Should().Be(Path.Combine(_temp.Path, "real", "a", "b"));
        shared[10].Should().Be(_temp.Path + "/loop1/x", "a path with too many links is kept as written");
    }

    [Fact]
    public void Resolve_PathsUnderOneFolder_ReadTheFolderOnce()
    {
        var parent = Directory.CreateDirectory(Path.Combine(_temp.Path, "ws")).FullName;
        var folders = new Dictionary<string, (string Real, int Links)>(StringComparer.Ordinal);
        RealPath.Resolve(Fs, Path.Combine(parent, "p1"), folders).Should().Be(Path.Combine(parent, "p1"));

        // The folder becomes a link: a path under it that shares the pass's answers does not read it again.
        Directory.Move(parent, Path.Combine(_temp.Path, "moved"));
        File.CreateSymbolicLink(parent, Path.Combine(_temp.Path, "moved"));

        RealPath.Resolve(Fs, Path.Combine(parent, "p2"), folders).Should().Be(Path.Combine(parent, "p2"));
        RealPath.Resolve(Fs, Path.Combine(parent, "p2")).Should().Be(Path.Combine(_temp.Path, "moved", "p2"));
    }
}
