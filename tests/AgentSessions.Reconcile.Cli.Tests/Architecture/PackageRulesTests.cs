using System.Reflection;
using System.Runtime.CompilerServices;

namespace AgentSessions.Reconcile.Cli.Tests.Architecture;

/// <summary>
/// The package rules of docs/architecture.md, read off the built assemblies: which shipped package may
/// use which, that the core uses no adapter and no host, and that no shipped package sees another's internals.
/// </summary>
public sealed class PackageRulesTests
{
    private const string Core = "AgentSessions.Reconcile";

    /// <summary>The CLI's assembly is named after its command.</summary>
    private const string CliAssembly = "agent-sessions";

    /// <summary>Each shipped package and the shipped packages it may reference (the table in docs/architecture.md).</summary>
    private static readonly Dictionary<string, string[]> MayUse = new(StringComparer.Ordinal)
    {
        [Core] = [],
        [Core + ".Hosting"] = [Core],
        [Core + ".Hermes"] = [Core, Core + ".Hosting"],
        [Core + ".Mqtt"] = [Core, Core + ".Hosting"],
        [Core + ".Testing"] = [Core, Core + ".Hosting"],
        [Core + ".Cli"] = [Core, Core + ".Hosting", Core + ".Mqtt"],
    };

    public static TheoryData<string> Packages() => new(MayUse.Keys);

    [Theory]
    [MemberData(nameof(Packages))]
    public void ShippedPackage_ReferencesOnlyThePackagesItsRoomMayUse(string package)
    {
        var references = Load(package).GetReferencedAssemblies()
            .Select(a => a.Name == CliAssembly ? Core + ".Cli" : a.Name!)
            .Where(name => name.StartsWith(Core, StringComparison.Ordinal))
            .ToList();

        references.Should().BeSubsetOf(MayUse[package], $"{package} may use only what docs/architecture.md's table says");
    }

    [Fact]
    public void Core_UsesNoAdapterAndNoHost()
    {
        var references = Load(Core).GetReferencedAssemblies().Select(a => a.Name!).ToList();

        references.Should().NotContain(
            name => name.StartsWith("MQTTnet", StringComparison.Ordinal)
                || name.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal)
                || name.StartsWith("Microsoft.Extensions.Hosting", StringComparison.Ordinal)
                || name.StartsWith("System.CommandLine", StringComparison.Ordinal),
            "the core observes, diffs and applies; brokers, boards, hosts and command lines live in their own packages");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void ShippedPackage_ShowsItsInternalsOnlyToItsOwnTestsAndBenchmarks(string package)
    {
        var friends = Load(package).GetCustomAttributes<InternalsVisibleToAttribute>().Select(a => a.AssemblyName).ToList();

        friends.Should().OnlyContain(
            name => !MayUse.ContainsKey(name) && (name.EndsWith(".Tests", StringComparison.Ordinal) || name.EndsWith(".Benchmarks", StringComparison.Ordinal)),
            "no shipped package sees another's internals");
    }

    [Fact]
    public void ThisTest_SeesEveryShippedPackage()
    {
        // The rules above are only as good as the list: every src/ project is in it.
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "AgentSessions.Reconcile.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        Directory.GetDirectories(Path.Combine(root, "src")).Select(Path.GetFileName)
            .Should().BeEquivalentTo(MayUse.Keys);
    }

    private static Assembly Load(string package) => Assembly.Load(new AssemblyName(package == Core + ".Cli" ? CliAssembly : package));
}
