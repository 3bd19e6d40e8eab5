using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Reconciling.Rules;
using NetArchTest.Rules;

namespace AgentSessions.Reconcile.Tests.Architecture;

/// <summary>
/// Drift rules are pure: no file, process, network, environment or clock, and no source (a rule
/// asks for an observation by its key; the probe's sources do the looking). Checked on the IL of
/// every rule, the core's and this assembly's test-only ones.
/// </summary>
public sealed class RulesDoNoIoTests
{
    private static readonly string[] Io =
    [
        "System.IO",
        "System.Net",
        "System.Diagnostics.Process",
        "System.Environment",
        "System.TimeProvider",
        "System.Threading.Tasks",
        "Microsoft.Data.Sqlite",
        "AgentSessions.Reconcile.Processes",
        "AgentSessions.Reconcile.Probing",
        "AgentSessions.Reconcile.Yaml",
    ];

    [Fact]
    public void CoreRules_AndTheDiff_DependOnNoIo()
    {
        var result = Types.InAssembly(typeof(DriftRule).Assembly)
            .That().Inherit(typeof(DriftRule)).Or().HaveName(nameof(DriftDiff)).Or().HaveName(nameof(DiffContext)).Or().HaveName(nameof(DriftRule))
            .ShouldNot().HaveDependencyOnAny(Io)
            .GetResult();

        result.FailingTypeNames.Should().BeNullOrEmpty();
        Types.InAssembly(typeof(DriftRule).Assembly).That().Inherit(typeof(DriftRule)).GetTypes()
            .Should().HaveCount(DriftRules.Default.Count, "the check sees every registered rule");
    }

    [Fact]
    public void TestOnlyRules_DependOnNoIo()
    {
        var result = Types.InAssembly(typeof(RulesDoNoIoTests).Assembly)
            .That().Inherit(typeof(DriftRule)).And().DoNotHaveName(nameof(PeekingRule))
            .ShouldNot().HaveDependencyOnAny(Io)
            .GetResult();

        result.FailingTypeNames.Should().BeNullOrEmpty();
    }

    [Fact]
    public void RuleThatReadsAFile_IsCaught()
    {
        var result = Types.InAssembly(typeof(RulesDoNoIoTests).Assembly)
            .That().HaveName(nameof(PeekingRule))
            .ShouldNot().HaveDependencyOnAny(Io)
            .GetResult();

        result.IsSuccessful.Should().BeFalse();
        result.FailingTypeNames.Should().ContainSingle().Which.Should().EndWith(nameof(PeekingRule));
    }

    /// <summary>What the check must catch: a rule that looks at the disk itself.</summary>
    private sealed class PeekingRule() : DriftRule(Peeking)
    {
        private static readonly DriftClass Peeking = new('Y', "Peeking");

        public override void Plan(DiffContext diff, SessionRow row)
        {
            if (row.Cwd is { } cwd && File.Exists(Path.Combine(cwd, ".stuck")))
            {
                diff.Drifts.Add(Drift(row.Name, "peeked", null, null, null, null));
            }
        }
    }
}
