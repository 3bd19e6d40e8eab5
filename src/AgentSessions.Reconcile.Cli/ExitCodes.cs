namespace AgentSessions.Reconcile.Cli;

/// <summary>The process exit codes of <c>agent-sessions</c>. Scripts rely on them: never renumber.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked (drift found and repaired is still success).</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected failed (a bug); the message says what.</summary>
    public const int InternalError = 1;

    /// <summary>The command line (or <c>RECONCILE_POLL_INTERVAL</c>) is wrong.</summary>
    public const int Usage = 2;

    /// <summary>The registry file does not parse or validate (syntax, schema, duplicate key, too large); it was not rewritten.</summary>
    public const int RegistryInvalid = 3;

    /// <summary>The registry lock was held by another writer for longer than the lock timeout.</summary>
    public const int LockTimeout = 4;

    /// <summary>A file could not be read or written (permission denied, disk full …).</summary>
    public const int IoError = 5;

    /// <summary>A program the command needs is missing or unusable (<c>demo</c> without tmux).</summary>
    public const int MissingTool = 6;

    /// <summary>The MQTT broker could not be used (<c>status --fleet</c>: unreachable, refused, TLS); the message says why.</summary>
    public const int BrokerUnavailable = 7;

    /// <summary><c>hook install | uninstall</c>: Claude Code's settings file is not a JSON object of the expected shape; it was not changed.</summary>
    public const int SettingsInvalid = 8;

    /// <summary>Interrupted by Ctrl-C (SIGINT), 128 + 2 like a shell reports it.</summary>
    public const int Interrupted = 130;
}
