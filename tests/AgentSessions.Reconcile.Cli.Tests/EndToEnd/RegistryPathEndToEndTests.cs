namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>
/// Issue 15 item 4 and its small items, through the built CLI against real tmux and real folders:
/// the registry path never creates anything elsewhere, a created registry is always said, a newer
/// schema version is refused untouched, and a folder at the registry path gets only the refusal.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RegistryPathEndToEndTests : IDisposable
{
    private readonly TempWorkspace ws = new();

    public void Dispose() => ws.Dispose();

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Reconcile_DanglingLinkIntoMissingFolder_Exit5NamingLinkAndTargetNothingCreated()
    {
        var elsewhere = Path.Combine(Path.GetDirectoryName(ws.Root)!, "elsewhere");
        var target = Path.Combine(elsewhere, "a", "b", "x.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(ws.RegistryPath)!);
        File.CreateSymbolicLink(ws.RegistryPath, target);
        ws.StartTmux(ws.Name + "-web-creator-claude", ws.Project("web"));

        var result = ws.Run("reconcile", "--once", "--tmux-socket", ws.Socket);

        result.ExitCode.Should().Be(5, result.ToString());
        Lines(result.Stderr).Should().Equal(
            $"agent-sessions: {ws.RegistryPath}: is a symbolic link to {target}, whose folder {Path.GetDirectoryName(target)} does not exist; nothing was created (create that folder or fix the link).");
        Directory.Exists(elsewhere).Should().BeFalse();
        new FileInfo(ws.RegistryPath).LinkTarget.Should().Be(target);
    }

    [Fact]
    public void Reconcile_DanglingLinkIntoExistingFolder_CreatesTheTargetAndSaysSo()
    {
        var shared = Directory.CreateDirectory(Path.Combine(ws.Root, "shared")).FullName;
        var target = Path.Combine(shared, "registry.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(ws.RegistryPath)!);
        File.CreateSymbolicLink(ws.RegistryPath, "../shared/registry.yaml");
        var name = ws.Name + "-web-creator-claude";
        ws.StartTmux(name, ws.Project("web"));

        var result = ws.Run("reconcile", "--once", "--tmux-socket", ws.Socket);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Stdout.Should().StartWith("B " + name);
        Lines(result.Stderr).Should().Equal($"agent-sessions: note: created {target} (the target of the link {ws.RegistryPath}).");
        File.ReadAllText(target).Should().Contain("name: " + name);
        new FileInfo(ws.RegistryPath).LinkTarget.Should().Be("../shared/registry.yaml");
    }

    [Fact]
    public void Reconcile_LoopRegistryDeletedAndRecreated_SaysCreatedAgain()
    {
        var first = ws.Name + "-one-creator-claude";
        ws.StartTmux(first, ws.Project("one"));
        using var cli = ws.Start("reconcile", "--emit-diff", "--interval", "1", "--tmux-socket", ws.Socket);
        cli.WaitUntil(e => e.Contains("created " + ws.RegistryPath, StringComparison.Ordinal), TimeSpan.FromSeconds(30), onStderr: true)
            .Should().BeTrue("the first pass registers the session: " + cli.Stderr);

        File.Delete(ws.RegistryPath);
        ws.StartTmux(ws.Name + "-two-creator-claude", ws.Project("two"));
        var recreated = cli.WaitUntil(
            e => e.Split("created " + ws.RegistryPath).Length == 3,
            TimeSpan.FromSeconds(30),
            onStderr: true);
        cli.Signal("TERM");
        var result = cli.WaitForExit(TimeSpan.FromSeconds(60));

        recreated.Should().BeTrue("a later pass creates the file again: " + result);
        ws.ReadRegistry().Should().Contain("name: " + first).And.Contain("-two-creator-claude");
    }

    [Fact]
    public void Reconcile_UnknownSchemaVersion_Exit3AtLineAndColumnFileByteIdentical()
    {
        ws.WriteRegistry($"version: 2\nworkspace: {ws.Name}\nsessions: []\nfuture_key: kept\n");
        var before = File.ReadAllBytes(ws.RegistryPath);
        ws.StartTmux(ws.Name + "-web-creator-claude", ws.Project("web"));

        var result = ws.Run("reconcile", "--once", "--tmux-socket", ws.Socket);

        result.ExitCode.Should().Be(3, result.ToString());
        Lines(result.Stderr).Should().ContainSingle().Which.Should().StartWith($"agent-sessions: {ws.RegistryPath}:1:10: version: schema version 2 is not supported");
        File.ReadAllBytes(ws.RegistryPath).Should().Equal(before);
        File.Exists(ws.RegistryPath + ".bak").Should().BeFalse();
    }

    [Theory]
    [InlineData("reconcile", "--once")]
    [InlineData("status")]
    public void RegistryIsAFolder_OnlyTheRefusal(params string[] args)
    {
        Directory.CreateDirectory(ws.RegistryPath);

        var result = ws.Run([.. args, "--tmux-socket", ws.Socket]);

        result.ExitCode.Should().Be(3, result.ToString());
        Lines(result.Stderr).Should().Equal($"agent-sessions: {ws.RegistryPath}: is a directory, not a file; a registry must be a regular file.");
    }
}
