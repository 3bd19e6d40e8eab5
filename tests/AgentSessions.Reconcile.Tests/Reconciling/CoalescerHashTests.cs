using System.Security.Cryptography;
using System.Text;
using AgentSessions.Reconcile.Reconciling;
using AgentSessions.Reconcile.Reconciling.Rules;

namespace AgentSessions.Reconcile.Tests.Reconciling;

/// <summary>The drift hash is kept in every workspace's state file: it must stay exactly what it was.</summary>
public sealed class CoalescerHashTests
{
    public static TheoryData<string, string?, string?, string?, string> Drifts() => new()
    {
        { "lab-landing-page-creator-claude", "claude_session_id_own", "87dc548e-0d1c-4a59-9f3e-000000000001", null, "lab-landing-page-creator-claude: claude_session_id_own 87dc548e: claude session transcript is gone." },
        { "lab-api-creator-claude", null, "running", "terminated", "lab-api-creator-claude: tmux gone (was pane 201132, cmd claude)." },
        { "lab-ü-creator-agy", "agent_identities.agy.conversation_id", "c0ffee", string.Empty, "lab-ü-creator-agy: agy conversation file is gone 🙂." },
        { "x", null, null, null, string.Empty },
    };

    [Theory]
    [MemberData(nameof(Drifts))]
    public void Hash_IsSha256OfTheJoinedParts(string session, string? field, string? before, string? after, string observation)
    {
        var rule = field is null ? (DriftRule)new TmuxGoneRule() : new StaleIdRule();
        var key = new DriftKey(rule.Class, session, field);
        var drift = new PlannedDrift(rule, session, key, observation, field, before, after, null);

        // The formula as the state files were written with it (one joined string, then its UTF-8).
        var text = string.Join('\u001f', key.ToString(), field ?? string.Empty, before ?? string.Empty, after ?? string.Empty, observation);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))[..12]);

        Coalescer.Hash(drift).Should().Be(expected);
    }
}
