using System.Diagnostics;
using System.Text;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>Runs the contract's independent Python publisher (<c>Interop/sign-event.py</c>) as a process.</summary>
internal static class SignEventScript
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "Interop", "sign-event.py");

    /// <summary>Runs <c>sign-event.py sign</c>; returns the topic and the payload it prints.</summary>
    public static async Task<(string Topic, byte[] Payload)> SignAsync(params string[] arguments)
    {
        var (exitCode, output, error) = await RunAsync([ScriptPath, "sign", .. arguments], stdin: null);
        exitCode.Should().Be(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2, output);
        return (lines[0], Encoding.UTF8.GetBytes(lines[1]));
    }

    /// <summary>Runs <c>sign-event.py verify --token T</c> on <paramref name="payload"/>; returns its exit code and answer.</summary>
    public static async Task<(int ExitCode, string Answer)> VerifyAsync(string token, byte[] payload)
    {
        var (exitCode, output, _) = await RunAsync([ScriptPath, "verify", "--token", token], payload);
        return (exitCode, output.Trim());
    }

    /// <summary>Runs <c>python3</c> with <paramref name="arguments"/> and <paramref name="stdin"/>; stdout and stderr as UTF-8.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] arguments, byte[]? stdin)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Python's stdout encoding must not depend on the machine's locale.
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            if (stdin is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(stdin, timeout.Token);
            }

            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await error);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"python3 {string.Join(' ', arguments[..2])} did not finish within {Timeout}.");
        }
    }
}
