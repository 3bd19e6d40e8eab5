using System.Text.Json;
using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>The registered rules against what the reports and the state file promise.</summary>
public sealed class DriftRulesTests
{
    [Fact]
    public void ReportSchema_ClassEnum_IsTheRegisteredRulesLetters()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "drift-report.schema.json")));
        var letters = schema.RootElement.GetProperty("$defs").GetProperty("drift").GetProperty("properties").GetProperty("class").GetProperty("enum")
            .EnumerateArray().Select(e => e.GetString()).ToList();

        letters.Should().BeEquivalentTo(DriftRules.Default.Select(r => r.Class.Letter.ToString()), "docs/drift-report.schema.json lists every registered rule's class, and no other");
    }

    [Fact]
    public void Registered_LettersAndNamesAreDistinct_AndPublicNamesPointAtThem()
    {
        DriftRules.Default.Select(r => r.Class.Letter).Should().OnlyHaveUniqueItems();
        DriftRules.Default.Select(r => r.Class.Name).Should().OnlyHaveUniqueItems();
        new[] { DriftClass.TmuxGone, DriftClass.Unregistered, DriftClass.IdMaterialized, DriftClass.StaleId, DriftClass.EndStateAlive, DriftClass.NeedsAttention }
            .Select(c => c.Letter).Should().Equal('A', 'B', 'C', 'D', 'E', 'F');
    }

    [Fact]
    public void NewClass_TakenLetter_Throws()
    {
        var act = () => new DriftClass('A', "Again");

        act.Should().Throw<InvalidOperationException>().WithMessage("*letter A is taken by TmuxGone*");
    }

    [Fact]
    public void EveryRegisteredClass_KeyTextForm_RoundTrips()
    {
        foreach (var rule in DriftRules.Default)
        {
            var key = rule.Key("lab:x-creator-claude", "agent_identities.claude.session_id");

            DriftKey.Parse(key.ToString()).Should().Be(key, $"{rule.Class.Name}'s keys are read back from the state file");
            key.Field.Should().Be(rule.Class.KeyNamesField ? "agent_identities.claude.session_id" : null);
        }
    }
}
