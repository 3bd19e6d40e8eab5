namespace AgentSessions.Reconcile.Yaml;

/// <summary>The registry's status words.</summary>
internal static class RegistryMapper
{
    public const string StatusWords = "running, stopped, terminated or archived";
    public const string JobStatusWords = "running, completed, error or cancelled";

    private static readonly string[] SessionWords = ["running", "stopped", "terminated", "archived"];
    private static readonly string[] JobWords = ["running", "completed", "error", "cancelled"];

    public static string StatusWord(SessionStatus status) => SessionWords[(int)status];

    public static string JobStatusWord(JobStatus status) => JobWords[(int)status];
}
