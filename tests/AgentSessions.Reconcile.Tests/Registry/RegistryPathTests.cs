namespace AgentSessions.Reconcile.Tests.Registry;

/// <summary>Issue 15 item 4: the registry path never creates anything elsewhere, and a write says when it created the file.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RegistryPathTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    [Fact]
    public async Task Store_DanglingLinkIntoMissingFolder_RefusedNamingLinkAndTargetNothingCreated()
    {
        var elsewhere = Path.Combine(ws.Root, "elsewhere");
        var target = Path.Combine(elsewhere, "a", "b", "x.yaml");
        File.CreateSymbolicLink(ws.RegistryPath, target);
        var store = ws.Store();

        foreach (var attempt in new Func<Task>[]
        {
            () => store.LoadAsync(),
            () => store.UpdateAsync(r => { r.Sessions.Add(new SessionRow("x")); return 0; }, new RegistryUpdateOptions { DryRun = true }),
            () => store.UpdateAsync(r => { r.Sessions.Add(new SessionRow("x")); return 0; }),
        })
        {
            var ex = (await FluentActions.Awaiting(attempt).Should().ThrowAsync<RegistryException>()).Which;
            ex.Kind.Should().Be(RegistryErrorKind.Io);
            ex.FilePath.Should().Be(ws.RegistryPath);
            ex.Message.Should().Be(
                $"{ws.RegistryPath}: is a symbolic link to {target}, whose folder {Path.GetDirectoryName(target)} does not exist; nothing was created (create that folder or fix the link).");
        }

        Directory.Exists(elsewhere).Should().BeFalse();
        new FileInfo(ws.RegistryPath).LinkTarget.Should().Be(target);
        Directory.GetFileSystemEntries(Path.GetDirectoryName(ws.RegistryPath)!).Should().Equal(ws.RegistryPath);
    }

    [Fact]
    public async Task UpdateAsync_HermesFolderIsADanglingLink_RefusedNothingCreated()
    {
        var elsewhere = Path.Combine(ws.Root, "elsewhere");
        var hermes = Path.GetDirectoryName(ws.RegistryPath)!;
        Directory.Delete(hermes);
        Directory.CreateSymbolicLink(hermes, Path.Combine(elsewhere, "a", "b"));

        var ex = (await FluentActions.Awaiting(() => ws.Store().UpdateAsync(r => { r.Sessions.Add(new SessionRow("x")); return 0; }))
            .Should().ThrowAsync<RegistryException>()).Which;

        ex.Kind.Should().Be(RegistryErrorKind.Io);
        ex.Message.Should().StartWith(ws.RegistryPath + ": ");
        Directory.Exists(elsewhere).Should().BeFalse();
    }

    [Fact]
    public async Task UpdateAsync_DanglingLinkIntoExistingFolder_CreatesTheTargetAndSaysCreated()
    {
        var shared = Directory.CreateDirectory(Path.Combine(ws.Root, "shared")).FullName;
        File.CreateSymbolicLink(ws.RegistryPath, "../shared/registry.yaml");
        var target = Path.Combine(shared, "registry.yaml");

        var first = await ws.Store().UpdateAsync(r => { r.Sessions.Add(new SessionRow("a")); return 0; });
        var second = await ws.Store().UpdateAsync(r => { r.Sessions.Add(new SessionRow("b")); return 0; });

        first.Written.Should().BeTrue();
        first.Created.Should().BeTrue();
        second.Written.Should().BeTrue();
        second.Created.Should().BeFalse();
        new FileInfo(ws.RegistryPath).LinkTarget.Should().Be("../shared/registry.yaml");
        File.ReadAllText(target).Should().Contain("name: a").And.Contain("name: b");
        File.Exists(target + ".lock").Should().BeTrue();
        File.Exists(ws.LockPath).Should().BeFalse();
    }

    [Fact]
    public async Task UpdateAsync_CreatedOnlyWhenTheWriteMadeTheFile()
    {
        var store = ws.Store();

        var created = await store.UpdateAsync(r => { r.Sessions.Add(new SessionRow("a")); return 0; });
        var rewritten = await store.UpdateAsync(r => { r.Sessions.Add(new SessionRow("b")); return 0; });
        File.Delete(ws.RegistryPath);
        var recreated = await store.UpdateAsync(r => { r.Sessions.Add(new SessionRow("c")); return 0; });

        created.Created.Should().BeTrue();
        rewritten.Created.Should().BeFalse();
        recreated.Created.Should().BeTrue();
        ws.Read().Should().Contain("name: c");
    }
}
