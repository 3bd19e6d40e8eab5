using AgentSessions.Reconcile.Cli.Hooks;
using AgentSessions.Reconcile.Cli.Parsing;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary><c>hook</c>, <c>hook install</c>, <c>hook uninstall</c>.</summary>
internal sealed partial class CliApp
{
    /// <summary>Records one hook event from stdin; always 0 (a hook must never block the agent).</summary>
    private int RunHook()
    {
        using var input = env.OpenInput();
        new HookRecorder(env.Time).Run(input, env.Error);
        return ExitCodes.Ok;
    }

    private int ChangeHookSettings(HookSettingsCommand command)
    {
        var path = command.Project is { } project
            ? Path.Combine(Path.GetFullPath(project, env.CurrentDirectory), ".claude", "settings.json")
            : Path.Combine(
                NullIfEmpty(env.GetVariable("CLAUDE_CONFIG_DIR")) ?? Path.Combine(NullIfEmpty(env.GetVariable("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".claude"),
                "settings.json");
        if (command.Project is { } dir && !env.DirectoryExists(Path.GetFullPath(dir, env.CurrentDirectory)))
        {
            throw new UsageException($"'--project' {dir} is not a folder.", command.Install ? "hook install" : "hook uninstall");
        }

        IReadOnlyList<string> changed;
        try
        {
            changed = HookSettings.Apply(path, command.Install);
        }
        catch (SettingsException e)
        {
            env.Error.WriteLine($"agent-sessions: {e.Message}");
            return ExitCodes.SettingsInvalid;
        }

        env.Out.WriteLine(changed.Count == 0
            ? command.Install ? $"{path}: the hooks were already installed; nothing changed" : $"{path}: no hooks of this tool; nothing changed"
            : $"{path}: {(command.Install ? "added" : "removed")} '{HookSettings.Command}' for {string.Join(", ", changed)}{(File.Exists(path + ".bak") ? $" (the old file is {path}.bak)" : string.Empty)}");
        return ExitCodes.Ok;
    }
}
