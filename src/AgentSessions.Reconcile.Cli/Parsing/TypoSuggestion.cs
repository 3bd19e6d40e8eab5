namespace AgentSessions.Reconcile.Cli.Parsing;

/// <summary>The "did you mean" part of a usage error: the closest known word within two edits.</summary>
internal static class TypoSuggestion
{
    /// <summary>Suggests the candidate closest to <paramref name="word"/>.</summary>
    /// <param name="word">What was typed.</param>
    /// <param name="candidates">The known words.</param>
    /// <returns><c> (did you mean 'x'?)</c>, or an empty string when nothing is close.</returns>
    public static string For(string word, IEnumerable<string> candidates) =>
        candidates.MinBy(c => Distance(word, c)) is { } best && Distance(word, best) <= 2 ? $" (did you mean '{best}'?)" : string.Empty;

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
