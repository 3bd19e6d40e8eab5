using System.ComponentModel;
using System.Diagnostics;

namespace AgentSessions.Reconcile.Hermes;

/// <summary>How one <c>hermes</c> invocation ended.</summary>
internal sealed record HermesCliOutcome(int ExitCode, string StandardOutput, string StandardError, string? StartError = null, bool TimedOut = false);

/// <summary>Runs the <c>hermes</c> executable with an argument list (never a shell string), bounded by a timeout.</summary>
internal sealed class HermesCliRunner(
    string executable,
    IReadOnlyDictionary<string, string?>? environment,
    TimeSpan timeout,
    TimeProvider timeProvider)
{
    public async Task<HermesCliOutcome> RunAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(ResolveExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        // Hermes prints UTF-8; make Python agree whatever the locale.
        startInfo.Environment["PYTHONIOENCODING"] = "utf-8";

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new HermesCliOutcome(-1, string.Empty, string.Empty, StartError: $"could not start '{startInfo.FileName}': {ex.Message}");
        }

        process.StandardInput.Close();
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        var stdout = process.StandardOutput.ReadToEndAsync(linked.Token);
        var stderr = process.StandardError.ReadToEndAsync(linked.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            return new HermesCliOutcome(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }

            cancellationToken.ThrowIfCancellationRequested();
            return new HermesCliOutcome(-1, string.Empty, string.Empty, TimedOut: true);
        }
    }

    /// <summary>Finds a bare command name on the PATH the child will see (the injected environment's, when there is one).</summary>
    private string ResolveExecutable()
    {
        if (executable.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) || environment is null
            || !environment.TryGetValue("PATH", out var path) || string.IsNullOrEmpty(path))
        {
            return executable;
        }

        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return executable;
    }
}
