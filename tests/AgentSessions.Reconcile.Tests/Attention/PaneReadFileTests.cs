using AgentSessions.Reconcile.Attention;
using AgentSessions.Reconcile.Tests.Probing;

namespace AgentSessions.Reconcile.Tests.Attention;

/// <summary>The pane-read file, now parsed where it lies (issue 17): what it accepts and what it turns down.</summary>
public sealed class PaneReadFileTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Read_WhatWriteWrote_RoundTrips()
    {
        var pattern = PaneText.Patterns[^1];
        var path = Path.Combine(_temp.Path, "a");

        PaneReadFile.Write(path, 4242, At, pattern, At.AddMinutes(-3));
        (PaneReadFile.Read(path, 4242) == (At, pattern, At.AddMinutes(-3))).Should().BeTrue();

        PaneReadFile.Write(path, null, At, null, null);
        (PaneReadFile.Read(path, null) == (At, null, null)).Should().BeTrue();
    }

    [Theory]
    [InlineData("4242\n1795168800000\n-\n-\n", true)]
    [InlineData("4242\n1795168800000\n-\n-", false)] // no last newline
    [InlineData("4242\n1795168800000\n-\n-\n\n", false)] // a fifth line
    [InlineData("4242\n1795168800000\n-\n", false)]
    [InlineData("04242\n1795168800000\n-\n-\n", false)] // not the pid as written
    [InlineData("4243\n1795168800000\n-\n-\n", false)] // another pane
    [InlineData("4242\n+1795168800000\n-\n-\n", false)]
    [InlineData("4242\n 1795168800000\n-\n-\n", false)]
    [InlineData("4242\nnow\n-\n-\n", false)]
    [InlineData("4242\n1795168800000\nno-such-pattern\n-\n", false)]
    [InlineData("4242\r\n1795168800000\n-\n-\n", false)]
    [InlineData("", false)]
    public void Read_Lines_AcceptedOnlyWhenWellFormed(string text, bool accepted)
    {
        var path = Path.Combine(_temp.Path, "b");
        File.WriteAllText(path, text);

        var read = PaneReadFile.Read(path, 4242);

        read.HasValue.Should().Be(accepted);
        if (accepted)
        {
            read!.Value.At.Should().Be(DateTimeOffset.FromUnixTimeMilliseconds(1795168800000));
        }
    }

    [Fact]
    public void Read_KnownPatternWithBadSince_KeepsThePatternWithoutSince_AndAnOversizedFileIsNoRead()
    {
        var pattern = PaneText.Patterns[0];
        var path = Path.Combine(_temp.Path, "c");
        File.WriteAllText(path, $"7\n1795168800000\n{pattern.Id}\nx\n");
        (PaneReadFile.Read(path, 7) == (DateTimeOffset.FromUnixTimeMilliseconds(1795168800000), pattern, null)).Should().BeTrue();

        File.WriteAllText(path, $"7\n1795168800000\n-\n-\n" + new string(' ', 300));
        PaneReadFile.Read(path, 7).Should().BeNull();
        PaneReadFile.Read(Path.Combine(_temp.Path, "missing"), 7).Should().BeNull();
    }
}
