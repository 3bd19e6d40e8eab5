using System.ComponentModel;
using System.Diagnostics;

namespace AgentSessions.Reconcile.Cli.Running;

/// <summary>What one <see cref="ArgvProcess"/> run gave: <see cref="ExitCode"/> is <see langword="null"/> when the program was not found.</summary>
/// <param name="ExitCode">The exit code, or <see langword="null"/> when the program could not be started.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error.</param>
internal sealed record ArgvResult(int? ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs a program from an argument list (never a shell string), stdin closed, killed after a timeout.</summary>
internal static class ArgvProcess
{
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    /// <param name="fileName">The program (looked up on <c>PATH</c>).</param>
    /// <param name="arguments">The arguments.</param>
    /// <param name="timeout">How long to wait before the process tree is killed (then a <see cref="TimeoutException"/>).</param>
    /// <param name="environment">Variables to set for the child; a <see langword="null"/> value removes one.</param>
    /// <returns>The result; <see cref="ArgvResult.ExitCode"/> is <see langword="null"/> when the program was not found.</returns>
    public static async Task<ArgvResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                psi.Environment.Remove(name);
            }
            else
            {
                psi.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            return new ArgvResult(null, string.Empty, string.Empty);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds:0} s and was killed.");
        }

        return new ArgvResult(process.ExitCode, await Drained(stdout).ConfigureAwait(false), await Drained(stderr).ConfigureAwait(false));
    }

    // A daemon the program started (tmux's server) may keep a pipe open: read what is there, bounded.
    private static async Task<string> Drained(Task<string> read)
    {
        try
        {
            return await read.WaitAsync(DrainBound).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return string.Empty;
        }
    }
}
