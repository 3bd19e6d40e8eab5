namespace AgentSessions.Reconcile.Yaml;

/// <summary>The registry's status words.</summary>
internal static class RegistryMapper
{
    public const string StatusWords = "running, stopped, terminated or archived";
    public const string JobStatusWords = "running, completed, error or cancelled";

    /// <summary>The session status words, in <see cref="SessionStatus"/> order: the one spelling (read, written, shown).</summary>
    public static readonly string[] SessionWords = ["running", "stopped", "terminated", "archived"];

    /// <summary>The job status words, in <see cref="JobStatus"/> order.</summary>
    public static readonly string[] JobWords = ["running", "completed", "error", "cancelled"];

    public static string StatusWord(SessionStatus status) => SessionWords[(int)status];

    public static string JobStatusWord(JobStatus status) => JobWords[(int)status];
}
