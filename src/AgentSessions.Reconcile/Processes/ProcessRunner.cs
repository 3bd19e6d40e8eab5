// This folder is also compiled into AgentSessions.Reconcile.Hermes (linked source, so that package
// needs no core internals): keep it free of other core types.
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace AgentSessions.Reconcile.Processes;

/// <summary>
/// Starts a process from an argument list (<see cref="ProcessStartInfo.ArgumentList"/>, never a shell
/// string), stdin closed, waits for it with a timeout (the process tree is killed when it passes), and
/// returns what it printed. Never throws for a process that is missing, fails or hangs: those are
/// outcomes. Only cancellation throws.
/// </summary>
internal sealed class ProcessRunner(TimeProvider? timeProvider = null)
{
    // After the process exits, its pipes close unless a descendant kept them: wait this long at most.
    private static readonly TimeSpan DrainBound = TimeSpan.FromSeconds(1);

    public async Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        var path = ResolveExecutable(request);
        if (path is null)
        {
            return ProcessResult.NotFound(request.FileName);
        }

        var startInfo = new ProcessStartInfo(path, request.Arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };

        foreach (var (name, value) in request.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            if (!process.Start())
            {
                return ProcessResult.StartFailed(request.FileName, "the process did not start.");
            }
        }
        catch (Win32Exception ex) when (ex.NativeErrorCode == 2)
        {
            return ProcessResult.NotFound(request.FileName);
        }
        catch (Win32Exception ex)
        {
            return ProcessResult.StartFailed(request.FileName, ex.Message);
        }

        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child may already be gone; its stdin does not matter.
        }

        // Process.Dispose does not close the output pipes once their readers were handed out:
        // each run would leave two descriptors to the finalizer (a slow loop rarely collects).
        using var stdoutReader = process.StandardOutput;
        using var stderrReader = process.StandardError;
        var stdoutTask = ReadBoundedAsync(stdoutReader, request.MaxOutputChars);
        var stderrTask = ReadBoundedAsync(stderrReader, 64 * 1024);

        using var timeoutCts = new CancellationTokenSource(request.Timeout, timeProvider ?? TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutCts.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            cancellationToken.ThrowIfCancellationRequested();
            var (partialOut, partialErr) = await DrainAsync(stdoutTask, stderrTask).ConfigureAwait(false);
            return ProcessResult.TimedOut(request.FileName, request.Timeout, partialOut, partialErr);
        }

        var (stdout, stderr) = await DrainAsync(stdoutTask, stderrTask).ConfigureAwait(false);
        return new ProcessResult(ProcessOutcome.Exited, process.ExitCode, stdout, stderr, null);
    }

    /// <summary>Finds the executable the way execvp would, but on the child's PATH.</summary>
    internal static string? ResolveExecutable(ProcessRequest request)
    {
        var name = request.FileName;
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? name : null;
        }

        var pathVariable = request.Environment.TryGetValue("PATH", out var overridden)
            ? overridden
            : Environment.GetEnvironmentVariable("PATH");
        return pathVariable?.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    private static async Task<(string Stdout, string Stderr)> DrainAsync(Task<string> stdoutTask, Task<string> stderrTask)
    {
        try
        {
            var both = Task.WhenAll(stdoutTask, stderrTask);
            // A safety bound on real time: a fake clock that is never advanced must not hang the pass.
            await both.WaitAsync(DrainBound, TimeProvider.System).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException)
        {
            // A descendant still holds the pipes, or a pipe broke: keep what arrived.
        }

        return (Completed(stdoutTask), Completed(stderrTask));
    }

    private static string Completed(Task<string> task) =>
        task.IsCompletedSuccessfully ? task.Result : string.Empty;

    private static async Task<string> ReadBoundedAsync(StreamReader reader, int maxChars)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
            {
                var keep = Math.Min(read, maxChars - text.Length);
                if (keep > 0)
                {
                    text.Append(buffer, 0, keep);
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The run ended (cancelled, or a descendant kept the pipe past the drain bound) and closed it.
        }

        return text.ToString();
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already exited (or between the check and the kill), or not ours to kill.
        }
    }
}
