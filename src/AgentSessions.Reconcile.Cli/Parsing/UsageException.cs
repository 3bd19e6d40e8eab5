namespace AgentSessions.Reconcile.Cli.Parsing;

/// <summary>A command line that cannot be run. The message is one sentence naming the bad flag or value.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, string? command)
        : base(message) => Command = command;

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the command whose usage applies, or <see langword="null"/> for the overview.</summary>
    public string? Command { get; }
}
