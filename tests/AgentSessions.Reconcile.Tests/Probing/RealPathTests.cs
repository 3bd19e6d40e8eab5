using System.IO.Abstractions;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>Issue 17: paths that share folders resolve each folder once, with the same answers as alone.</summary>
public sealed class RealPathTests : IDisposable
{
    private static readonly FileSystem Fs = new();
    private readonly string _root = Directory.CreateTempSubdirectory("asr-realpath-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Resolve_WithSharedFolders_GivesWhatEachPathGivesAlone()
    {
        Directory.CreateDirectory(Path.Combine(_root, "real", "a", "b"));
        File.CreateSymbolicLink(Path.Combine(_root, "abs"), Path.Combine(_root, "real"));
        File.CreateSymbolicLink(Path.Combine(_root, "rel"), "real/a");
        File.CreateSymbolicLink(Path.Combine(_root, "real", "a", "up"), "..");
        File.CreateSymbolicLink(Path.Combine(_root, "loop1"), "loop2");
        File.CreateSymbolicLink(Path.Combine(_root, "loop2"), "loop1");
        string[] paths =
        [
            _root, "/", "/tmp", _root + "/real/a/b", _root + "/abs/a/b", _root + "/rel/b", _root + "/rel/up/a/b/",
            _root + "/abs/a/../a/b", _root + "/abs/missing/x", _root + "/rel/up/up/rel/b", _root + "/loop1/x", _root + "/loop1",
            _root + "/./real//a", "relative/to/cwd",
        ];
        var folders = new Dictionary<string, (string Real, int Links)>(StringComparer.Ordinal);

        var shared = paths.Select(p => RealPath.Resolve(Fs, p, folders)).ToList();

        shared.Should().Equal(paths.Select(p => RealPath.Resolve(Fs, p)));
        shared[4].Should().Be(Path.Combine(_root, "real", "a", "b"));
        shared[10].Should().Be(_root + "/loop1/x", "a path with too many links is kept as written");
    }

    [Fact]
    public void Resolve_PathsUnderOneFolder_ReadTheFolderOnce()
    {
        var parent = Directory.CreateDirectory(Path.Combine(_root, "ws")).FullName;
        var folders = new Dictionary<string, (string Real, int Links)>(StringComparer.Ordinal);
        RealPath.Resolve(Fs, Path.Combine(parent, "p1"), folders).Should().Be(Path.Combine(parent, "p1"));

        // The folder becomes a link: a path under it that shares the pass's answers does not read it again.
        Directory.Move(parent, Path.Combine(_root, "moved"));
        File.CreateSymbolicLink(parent, Path.Combine(_root, "moved"));

        RealPath.Resolve(Fs, Path.Combine(parent, "p2"), folders).Should().Be(Path.Combine(parent, "p2"));
        RealPath.Resolve(Fs, Path.Combine(parent, "p2")).Should().Be(Path.Combine(_root, "moved", "p2"));
    }
}
