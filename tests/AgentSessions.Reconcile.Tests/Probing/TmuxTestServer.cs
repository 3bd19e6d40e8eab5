using System.Diagnostics;

namespace AgentSessions.Reconcile.Tests.Probing;

/// <summary>A real tmux server on a private socket (<c>-L asr-&lt;guid&gt;</c>), killed in Dispose.</summary>
internal sealed class TmuxTestServer : IDisposable
{
    public TmuxTestServer()
    {
        SocketName = "asr-" + Guid.NewGuid().ToString("N");
    }

    /// <summary>A server on an explicit socket path (<c>-S</c>).</summary>
    public TmuxTestServer(string socketPath)
    {
        SocketName = string.Empty;
        SocketPath = socketPath;
    }

    public string SocketName { get; }

    public string? SocketPath { get; }

    /// <summary>Starts a detached session running <paramref name="command"/> (default: a long sleep).</summary>
    public void NewSession(string name, string? cwd = null, string command = "sleep 3600")
    {
        var args = new List<string> { "new-session", "-d", "-s", name, "-x", "120", "-y", "30" };
        if (cwd is not null)
        {
            args.Add("-c");
            args.Add(cwd);
        }

        args.Add(command);
        Run(args).Should().Be(0, $"tmux new-session -s {name} must succeed");
    }

    public int Run(IReadOnlyList<string> arguments) => Run(arguments, out _);

    public int Run(IReadOnlyList<string> arguments, out string stdout)
    {
        var startInfo = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(SocketPath is null ? "-L" : "-S");
        startInfo.ArgumentList.Add(SocketPath ?? SocketName);
        foreach (var a in arguments)
        {
            startInfo.ArgumentList.Add(a);
        }

        startInfo.Environment.Remove("TMUX");
        startInfo.Environment.Remove("TMUX_PANE");
        using var process = Process.Start(startInfo)!;
        var errTask = process.StandardError.ReadToEndAsync();
        stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(10_000))
        {
            process.Kill(true);
            throw new TimeoutException("tmux did not finish within 10 s");
        }

        _ = errTask.Result;
        return process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            Run(["kill-server"]);
        }
        catch (Exception)
        {
            // Best effort: the server may already be gone.
        }
    }
}

/// <summary>A temp folder removed in Dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "asr-probe-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
        Path = new DirectoryInfo(Path).FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string CreateDirectory(params string[] parts)
    {
        var dir = Combine(parts);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public string WriteScript(string name, string body)
    {
        var path = Combine(name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

internal static class Poll
{
    /// <summary>Polls a condition every few milliseconds, up to a bound; returns whether it became true.</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < bound)
        {
            if (condition())
            {
                return true;
            }

            await Task.Yield();
            await Task.Delay(20);
        }

        return condition();
    }

    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < bound)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return await condition();
    }
}
