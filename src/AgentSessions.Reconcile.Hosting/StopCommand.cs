namespace AgentSessions.Reconcile;

/// <summary>Recognises a stop request in a card comment.</summary>
internal static class StopCommand
{
    /// <summary>
    /// Tells whether <paramref name="comment"/> asks the monitor to stop: written by someone other
    /// than the worker, and its trimmed body is one of <paramref name="phrases"/> or begins with one
    /// followed by whitespace or punctuation (case-insensitive). A phrase inside the text
    /// ("don't stop") or glued to more letters ("stopped") is not a command; neither is one joined
    /// by a word-joining mark ("stop-gap", "stop's").
    /// </summary>
    public static bool IsStopRequest(KanbanComment comment, IEnumerable<string> phrases)
    {
        if (comment.IsFromSelf)
        {
            return false;
        }

        var body = comment.Body.AsSpan().Trim();
        foreach (var phrase in phrases)
        {
            var p = phrase.AsSpan().Trim();
            if (p.IsEmpty || !body.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (body.Length == p.Length || EndsCommand(body[p.Length]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EndsCommand(char next) =>
        char.IsWhiteSpace(next) || (char.IsPunctuation(next) && next is not ('-' or '_' or '\'' or '’'));
}
