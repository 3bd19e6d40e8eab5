using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

/// <summary>
/// A real mosquitto on 127.0.0.1 on a free port, from a config file generated in a temp folder;
/// ready once a TCP connect succeeds (polled with a bound); killed at dispose. Can be stopped and
/// started again on the same port (broker faults).
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(60);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "asr-mosquitto-" + Guid.NewGuid().ToString("N"));
    private readonly TestCertificates? _tls;
    private readonly Func<int, string, string>? _config;
    private Process? _process;

    private MosquittoBroker(int port, TestCertificates? tls, Func<int, string, string>? config = null)
    {
        Port = port;
        _tls = tls;
        _config = config;
        Directory.CreateDirectory(_folder);
    }

    /// <summary>Gets the broker's temp folder (its config, and whatever a custom config puts there).</summary>
    public string Folder => _folder;

    public int Port { get; }

    /// <summary>Gets the broker URL (TLS brokers are named <c>localhost</c>, as their certificate says).</summary>
    public string Url => _tls is null ? $"mqtt://127.0.0.1:{Port}" : $"mqtts://localhost:{Port}";

    /// <summary>Creates a broker on a free port without starting it (the "down at start" case).</summary>
    public static MosquittoBroker Create(TestCertificates? tls = null) => new(FreePort(), tls);

    public static async Task<MosquittoBroker> StartAsync(TestCertificates? tls = null)
    {
        var broker = Create(tls);
        await broker.StartAsync();
        return broker;
    }

    /// <summary>Starts a broker whose config is made from (port, folder); TLS brokers are named <c>localhost</c>.</summary>
    public static async Task<MosquittoBroker> StartAsync(Func<int, string, string> config, TestCertificates tls)
    {
        var broker = new MosquittoBroker(FreePort(), tls, config);
        await broker.StartAsync();
        return broker;
    }

    /// <summary>Starts a plain (no TLS) broker whose config is made from (port, folder): bridges, ACLs.</summary>
    public static async Task<MosquittoBroker> StartPlainAsync(Func<int, string, string> config)
    {
        var broker = new MosquittoBroker(FreePort(), null, config);
        await broker.StartAsync();
        return broker;
    }

    public async Task StartAsync()
    {
        var config = Path.Combine(_folder, "mosquitto.conf");
        if (_config is not null)
        {
            await File.WriteAllTextAsync(config, _config(Port, _folder));
            await StartProcessAsync(config);
            return;
        }

        var lines = new List<string>
        {
            $"listener {Port} 127.0.0.1",
            "allow_anonymous true",
            "persistence false",
            "max_queued_messages 100000",
            "log_dest none",
            $"user {Environment.UserName}",
        };
        if (_tls is not null)
        {
            lines.Add($"cafile {_tls.CaFile}");
            lines.Add($"certfile {_tls.ServerCertFile}");
            lines.Add($"keyfile {_tls.ServerKeyFile}");
        }

        await File.WriteAllLinesAsync(config, lines);
        await StartProcessAsync(config);
    }

    private async Task StartProcessAsync(string config)
    {
        var start = new ProcessStartInfo("mosquitto") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(config);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            _process.HasExited.Should().BeFalse("mosquitto must keep running (config {0})", config);
            using var client = new TcpClient();
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                await client.ConnectAsync(IPAddress.Loopback, Port, attempt.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (deadline.Elapsed > ReadyBound)
                {
                    throw new TimeoutException($"mosquitto did not accept connections on port {Port} within {ReadyBound}.", e);
                }

                await Task.Delay(20);
            }
        }
    }

    /// <summary>Kills the broker (a crash: no clean shutdown).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
