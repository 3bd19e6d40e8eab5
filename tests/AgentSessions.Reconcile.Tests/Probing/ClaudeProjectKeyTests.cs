using System.Text;
using System.Text.RegularExpressions;
using AgentSessions.Reconcile.Probing;

namespace AgentSessions.Reconcile.Tests.Probing;

public sealed partial class ClaudeProjectKeyTests
{
    /// <summary>The SDK's rule, written the SDK's way (NFC, then a regex over UTF-16 units), as the oracle.</summary>
    internal static string SdkKey(string realPath) =>
        NonAlphanumeric().Replace(realPath.Normalize(NormalizationForm.FormC), "-");

    [GeneratedRegex("[^a-zA-Z0-9]")]
    private static partial Regex NonAlphanumeric();

    [Theory]
    [InlineData("/home/u/proj", "-home-u-proj")]
    [InlineData("/home/u/my_proj", "-home-u-my-proj")]
    [InlineData("/home/u/a.b.c", "-home-u-a-b-c")]
    [InlineData("/home/u/with space", "-home-u-with-space")]
    [InlineData("/home/u/me@host", "-home-u-me-host")]
    [InlineData("/home/u/café", "-home-u-caf-")]
    [InlineData("/home/u/cafe\u0301", "-home-u-caf-")]
    [InlineData("/x/😀", "-x---")]
    [InlineData("/a-b", "-a-b")]
    [InlineData("/a/b", "-a-b")]
    [InlineData("/Tab\tNew\nLine", "-Tab-New-Line")]
    [InlineData("/ÄÖÜ/ß", "------")]
    public void Compute_Table_MatchesTheSdkRule(string path, string expected)
    {
        var key = ClaudeProjectKey.Compute(path);

        key.Should().Be(expected);
        key.Should().Be(SdkKey(path));
        ClaudeProjectKey.IsHashed(key).Should().BeFalse();
    }

    [Fact]
    public void Compute_NfdInput_CountsUnitsAfterNfc()
    {
        var nfd = "/e\u0301";

        ClaudeProjectKey.Compute(nfd).Should().Be("--", "NFC makes é one UTF-16 unit, so one dash");
    }

    [Fact]
    public void Compute_Over200Units_IsHashedAndMatchedByPrefix()
    {
        var path = "/" + string.Join('/', Enumerable.Repeat("segment_of.words", 15)); // 256 chars

        var key = ClaudeProjectKey.Compute(path);

        key.Length.Should().Be(path.Length);
        ClaudeProjectKey.IsHashed(key).Should().BeTrue();
        ClaudeProjectKey.FolderPrefix(key).Should().Be(SdkKey(path)[..200] + "-").And.HaveLength(201);
    }

    [Fact]
    public void Compute_Exactly200Units_NotHashed()
    {
        ClaudeProjectKey.IsHashed(ClaudeProjectKey.Compute("/" + new string('a', 199))).Should().BeFalse();
    }

    [Fact]
    public void Compute_LoneSurrogate_DoesNotThrow()
    {
        ClaudeProjectKey.Compute("/x\uD800").Should().Be("-x-");
    }
}
