namespace AgentSessions.Reconcile.Cli.Tests.TestSupport;

/// <summary>Test data.</summary>
internal static class Some
{
    public static readonly DateTimeOffset At = new(2026, 11, 20, 10, 5, 0, TimeSpan.Zero);

    public static DriftReport Report(params Drift[] drifts) =>
        new("lab", At, dryRun: false, drifts) { SessionCount = 3, RunningCount = 2, CoalescedCount = 1, RegistryWritten = true };

    public static Drift TmuxGone(string session = "lab-landing-page-creator-claude") =>
        new(DriftClass.TmuxGone, session, $"{session}: tmux gone (was pane 201132, cmd claude). Marked terminated.")
        {
            Field = "status",
            Before = "running",
            After = "terminated",
            Applied = true,
            Key = new DriftKey(DriftClass.TmuxGone, session),
        };

    public static Drift Stale(string session = "lab-x-creator-claude") =>
        new(DriftClass.StaleId, session, $"{session}: claude session 87dc548e has no transcript.")
        {
            Field = "agent_identities.claude.session_id",
            Before = "87dc548e-0d1c-4a59-9f3e-2c7f0b1d2e3f",
            After = null,
            Key = new DriftKey(DriftClass.StaleId, session, "claude_session_id_own"),
        };

    public static Drift Registered(string session = "lab-paper-creator-agy") =>
        new(DriftClass.Unregistered, session, $"{session}: tmux found but not in YAML. Auto-registered.")
        {
            Applied = true,
            Key = new DriftKey(DriftClass.Unregistered, session),
        };
}
