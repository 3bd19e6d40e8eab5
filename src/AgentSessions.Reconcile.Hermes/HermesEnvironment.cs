using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>The worker's identity on the board, read from the variables the Hermes dispatcher sets.</summary>
/// <param name="TaskId">The task the worker is scoped to (<c>HERMES_KANBAN_TASK</c>).</param>
/// <param name="RunId">The worker's run (<c>HERMES_KANBAN_RUN_ID</c>), or <see langword="null"/>; only set when the task is the env's own task, as Hermes does.</param>
/// <param name="ClaimLock">The claim lock (<c>HERMES_KANBAN_CLAIM_LOCK</c>), or <see langword="null"/>.</param>
/// <param name="Profile">The comment author (<c>HERMES_PROFILE</c>, else <c>worker</c>, as Hermes's comment tool does).</param>
/// <param name="GoalMode">Whether <c>HERMES_KANBAN_GOAL_MODE</c> says the task runs in goal mode.</param>
/// <param name="ClaimTtlSeconds">The claim extension (<c>HERMES_KANBAN_CLAIM_TTL_SECONDS</c>, else 900).</param>
/// <param name="Board">The board slug a CLI call should pass with <c>--board</c>, or <see langword="null"/> for Hermes's own resolution.</param>
internal sealed record HermesWorkerIdentity(
    string TaskId,
    long? RunId,
    string? ClaimLock,
    string Profile,
    bool GoalMode,
    int ClaimTtlSeconds,
    string? Board);

/// <summary>Resolves the board file and the worker identity the way Hermes does (hermes_cli/kanban_db.py, tools/kanban_tools.py).</summary>
internal static partial class HermesEnvironment
{
    internal const string DefaultBoard = "default";
    internal const int DefaultClaimTtlSeconds = 15 * 60;

    public static IReadOnlyDictionary<string, string?> FromProcess() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => e.Value as string, StringComparer.Ordinal);

    /// <summary>Gets a variable the way Hermes reads most of them: stripped, empty means unset.</summary>
    public static string? Get(IReadOnlyDictionary<string, string?> env, string name) =>
        env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    public static string HomeDirectory(IReadOnlyDictionary<string, string?> env, string? homeDirectory) =>
        homeDirectory
        ?? Get(env, "HOME")
        ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The shared root: <c>HERMES_KANBAN_HOME</c>, else the default Hermes root derived from <c>HERMES_HOME</c>, else <c>~/.hermes</c>.</summary>
    public static string KanbanHome(IReadOnlyDictionary<string, string?> env, string? homeDirectory)
    {
        var home = HomeDirectory(env, homeDirectory);
        if (Get(env, "HERMES_KANBAN_HOME") is { } kanbanHome)
        {
            return ExpandUser(kanbanHome, home);
        }

        var native = Path.GetFullPath(Path.Combine(home, ".hermes"));
        // Hermes does not strip HERMES_HOME; only an empty value means unset.
        if (!env.TryGetValue("HERMES_HOME", out var hermesHome) || string.IsNullOrEmpty(hermesHome))
        {
            return native;
        }

        var full = Path.GetFullPath(hermesHome);
        if (IsSameOrUnder(full, native))
        {
            // Under ~/.hermes (the default profile or ~/.hermes/profiles/<name>): the root is ~/.hermes.
            return native;
        }

        var trimmed = Path.TrimEndingDirectorySeparator(full);
        var parent = Path.GetDirectoryName(trimmed);
        if (parent is not null && string.Equals(Path.GetFileName(parent), "profiles", StringComparison.Ordinal))
        {
            return Path.GetDirectoryName(parent) ?? parent;
        }

        return trimmed;
    }

    /// <summary>The board database: <c>HERMES_KANBAN_DB</c>, else the board's file under the root.</summary>
    /// <exception cref="ArgumentException"><paramref name="explicitBoard"/> is not a valid slug.</exception>
    public static string DatabasePath(IReadOnlyDictionary<string, string?> env, string? explicitBoard, string? homeDirectory)
    {
        var home = HomeDirectory(env, homeDirectory);
        if (Get(env, "HERMES_KANBAN_DB") is { } pinned)
        {
            return ExpandUser(pinned, home);
        }

        var root = KanbanHome(env, homeDirectory);
        var slug = NormalizeSlug(explicitBoard) ?? CurrentBoard(env, root);
        return string.Equals(slug, DefaultBoard, StringComparison.Ordinal)
            ? Path.Combine(root, "kanban.db")
            : Path.Combine(root, "kanban", "boards", slug, "kanban.db");
    }

    /// <summary>The active board: <c>HERMES_KANBAN_BOARD</c> if it exists, else <c>&lt;root&gt;/kanban/current</c> if it exists, else <c>default</c>.</summary>
    public static string CurrentBoard(IReadOnlyDictionary<string, string?> env, string root)
    {
        if (TryExistingBoard(Get(env, "HERMES_KANBAN_BOARD"), root) is { } fromEnv)
        {
            return fromEnv;
        }

        var currentFile = Path.Combine(root, "kanban", "current");
        try
        {
            if (File.Exists(currentFile) && TryExistingBoard(File.ReadAllText(currentFile).Trim(), root) is { } fromFile)
            {
                return fromFile;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Hermes falls through to the default on an unreadable pointer; so do we.
        }

        return DefaultBoard;
    }

    /// <summary>Lower-cases and validates a board slug; <see langword="null"/> for empty.</summary>
    /// <exception cref="ArgumentException">The slug is not 1–64 lowercase letters, digits, '-' or '_' starting with a letter or digit.</exception>
    public static string? NormalizeSlug(string? slug)
    {
        if (slug is null)
        {
            return null;
        }

        var normalized = slug.Trim().ToLowerInvariant();
        if (normalized.Length == 0)
        {
            return null;
        }

        if (!SlugPattern().IsMatch(normalized))
        {
            throw new ArgumentException(
                $"invalid board slug '{slug}': must be 1-64 chars, lowercase alphanumerics / hyphens / underscores, not starting with '-' or '_'",
                nameof(slug));
        }

        return normalized;
    }

    public static HermesWorkerIdentity Identity(IReadOnlyDictionary<string, string?> env, string? taskIdOverride, string? board)
    {
        var envTask = env.TryGetValue("HERMES_KANBAN_TASK", out var rawTask) && !string.IsNullOrEmpty(rawTask) ? rawTask : null;
        var taskId = taskIdOverride ?? envTask
            ?? throw new InvalidOperationException("No Hermes task: set HERMES_KANBAN_TASK (the Hermes dispatcher sets it for the workers it starts) or HermesKanbanOptions.TaskId.");

        long? runId = null;
        if (string.Equals(envTask, taskId, StringComparison.Ordinal)
            && env.TryGetValue("HERMES_KANBAN_RUN_ID", out var rawRun)
            && long.TryParse(rawRun, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var parsedRun))
        {
            runId = parsedRun;
        }

        var claimLock = env.TryGetValue("HERMES_KANBAN_CLAIM_LOCK", out var rawLock) && !string.IsNullOrEmpty(rawLock) ? rawLock : null;
        var profile = env.TryGetValue("HERMES_PROFILE", out var rawProfile) && !string.IsNullOrEmpty(rawProfile) ? rawProfile : "worker";
        var goal = Get(env, "HERMES_KANBAN_GOAL_MODE") is { } rawGoal
            && (rawGoal == "1" || rawGoal.Equals("true", StringComparison.OrdinalIgnoreCase) || rawGoal.Equals("yes", StringComparison.OrdinalIgnoreCase));
        var ttl = DefaultClaimTtlSeconds;
        if (Get(env, "HERMES_KANBAN_CLAIM_TTL_SECONDS") is { } rawTtl
            && int.TryParse(rawTtl, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsedTtl)
            && parsedTtl > 0)
        {
            ttl = parsedTtl;
        }

        return new HermesWorkerIdentity(taskId, runId, claimLock, profile, goal, ttl, board);
    }

    private static string? TryExistingBoard(string? candidate, string root)
    {
        string? slug;
        try
        {
            slug = NormalizeSlug(candidate);
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (slug is null)
        {
            return null;
        }

        if (string.Equals(slug, DefaultBoard, StringComparison.Ordinal))
        {
            return slug;
        }

        var dir = Path.Combine(root, "kanban", "boards", slug);
        return File.Exists(Path.Combine(dir, "board.json")) || File.Exists(Path.Combine(dir, "kanban.db")) ? slug : null;
    }

    private static string ExpandUser(string path, string home)
    {
        if (path == "~")
        {
            return home;
        }

        return path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home, path[2..]) : path;
    }

    private static bool IsSameOrUnder(string path, string root)
    {
        var p = Path.TrimEndingDirectorySeparator(path);
        var r = Path.TrimEndingDirectorySeparator(root);
        return string.Equals(p, r, StringComparison.Ordinal)
            || p.StartsWith(r + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9\\-_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
