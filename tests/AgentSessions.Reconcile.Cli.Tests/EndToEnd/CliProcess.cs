using System.Diagnostics;
using System.Text;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>The result of one run of the built CLI.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>
/// Runs the built <c>agent-sessions.dll</c> as a real process. The CLI's build output is copied
/// next to the test assembly (the test project references the CLI project), so the path is
/// relative to this assembly and always matches the configuration under test.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private readonly Process process;
    private readonly StringBuilder stdout = new();
    private readonly StringBuilder stderr = new();
    private readonly object gate = new();

    private CliProcess(Process process) => this.process = process;

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "agent-sessions.dll");

    public int Id => process.Id;

    public string Stdout
    {
        get
        {
            lock (gate)
            {
                return stdout.ToString();
            }
        }
    }

    public static CliProcess Start(IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] args)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException("The CLI was not built next to the tests.", DllPath);
        }

        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(DllPath);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // The CLI must see only what the test gives it: never the developer's tmux or state folder.
        foreach (var name in new[] { "TMUX", "TMUX_PANE", "AGENT_SESSIONS_STATE_DIR", "RECONCILE_POLL_INTERVAL", "NO_COLOR" })
        {
            psi.Environment.Remove(name);
        }

        foreach (var (k, v) in environment)
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }

        var p = new Process { StartInfo = psi };
        var cli = new CliProcess(p);
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (cli.gate)
                {
                    cli.stdout.Append(e.Data).Append('\n');
                }
            }
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (cli.gate)
                {
                    cli.stderr.Append(e.Data).Append('\n');
                }
            }
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.StandardInput.Close();
        return cli;
    }

    public static CliResult Run(IReadOnlyDictionary<string, string?> environment, string workingDirectory, params string[] args)
    {
        using var cli = Start(environment, workingDirectory, args);
        return cli.WaitForExit(DefaultTimeout);
    }

    public CliResult WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"agent-sessions did not exit within {timeout}. stdout: {Stdout}");
        }

        process.WaitForExit(); // drains the asynchronous readers
        lock (gate)
        {
            return new CliResult(process.ExitCode, stdout.ToString(), stderr.ToString());
        }
    }

    public string Stderr
    {
        get
        {
            lock (gate)
            {
                return stderr.ToString();
            }
        }
    }

    /// <summary>Waits, bounded, until <paramref name="condition"/> holds for the output (or, with <paramref name="onStderr"/>, the errors) so far.</summary>
    public bool WaitUntil(Func<string, bool> condition, TimeSpan timeout, bool onStderr = false)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (condition(onStderr ? Stderr : Stdout))
            {
                return true;
            }

            if (process.HasExited)
            {
                return condition(onStderr ? Stderr : Stdout);
            }

            process.WaitForExit(50); // a bounded poll on the process itself, not a sleep
        }

        return false;
    }

    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + name, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit(10_000);
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }
}
