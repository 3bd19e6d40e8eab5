using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AgentSessions.Reconcile.Mqtt.Tests;
using MQTTnet;
using MQTTnet.Protocol;

namespace AgentSessions.Reconcile.Cli.Tests.EndToEnd;

/// <summary>One fleet "host": a workspace with its own tmux server and one running session whose job has a token, and its monitor.</summary>
internal sealed class FleetHostUnderTest : IDisposable
{
    public const string Key = "fleet-key-e2e";

    public FleetHostUnderTest(string hostId)
    {
        HostId = hostId;
        Session = Workspace.Name + "-site-creator-claude";
        Token = "tok-secret-" + hostId;
        var cwd = Workspace.Project("site");
        Workspace.StartTmux(Session, cwd);
        Workspace.WriteRegistry($"""
            version: 1
            workspace: {Workspace.Name}
            sessions:
              - name: {Session}
                agent: claude
                cwd: {cwd}
                status: running
                last_visible_status: running
                jobs:
                  - job_id: j-1
                    auth_token: "{Token}"
                    status: running
            """);
    }

    public TempWorkspace Workspace { get; } = new();

    public string HostId { get; }

    public string Session { get; }

    public string Token { get; }

    public CliProcess? Monitor { get; private set; }

    public Dictionary<string, string?> Environment
    {
        get
        {
            var environment = Workspace.Environment;
            environment["AGENT_SESSIONS_FLEET_KEY"] = Key;
            return environment;
        }
    }

    /// <summary>Starts <c>reconcile --publish-status</c> against <paramref name="brokerUrl"/> and waits until it says where it publishes.</summary>
    public CliProcess StartMonitor(string brokerUrl, params string[] extra)
    {
        Monitor = CliProcess.Start(
            Environment,
            Workspace.Root,
            ["reconcile", "--workspace", Workspace.Root, "--tmux-socket", Workspace.Socket, "--interval", "30",
             "--publish-status", "--host-id", HostId, "--broker", brokerUrl, .. extra]);
        Monitor.WaitUntil(e => e.Contains("publishing the status to", StringComparison.Ordinal), TimeSpan.FromSeconds(60), onStderr: true)
            .Should().BeTrue(Monitor.Stderr);
        return Monitor;
    }

    public void Dispose()
    {
        Monitor?.Dispose();
        Workspace.Dispose();
    }
}

/// <summary>Reads the fleet through the built CLI, and signs or publishes fleet messages as an independent client would.</summary>
internal static class Fleet
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Runs <c>status --fleet --json</c> until <paramref name="condition"/> holds for its output (bounded); returns the last output.</summary>
    public static JsonDocument WaitFor(string brokerUrl, Func<JsonElement, bool> condition, string because, Dictionary<string, string?>? environment = null)
    {
        var deadline = Stopwatch.StartNew();
        CliResult last;
        do
        {
            last = CliProcess.Run(environment ?? new() { ["AGENT_SESSIONS_FLEET_KEY"] = FleetHostUnderTest.Key }, Path.GetTempPath(), "status", "--fleet", "--json", "--broker", brokerUrl);
            last.ExitCode.Should().Be(0, last.ToString());
            var document = JsonDocument.Parse(last.Stdout);
            if (condition(document.RootElement))
            {
                return document;
            }

            document.Dispose();
        }
        while (deadline.Elapsed < Bound);

        throw new Xunit.Sdk.XunitException($"status --fleet never showed {because} within {Bound}: {last}");
    }

    public static JsonElement? Host(JsonElement fleet, string host) =>
        fleet.GetProperty("hosts").EnumerateArray().Where(h => h.GetProperty("host").GetString() == host).Select(h => (JsonElement?)h).FirstOrDefault();

    /// <summary>Signs <paramref name="json"/> (an object) with Python's canonical JSON and HMAC-SHA256: an independent signer.</summary>
    public static async Task<byte[]> SignAsync(string json, string key)
    {
        const string Script = """
            import sys, json, hmac, hashlib
            obj = json.loads(sys.stdin.buffer.read())
            canon = lambda o: json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
            obj["sig"] = hmac.new(sys.argv[1].encode(), canon(obj), hashlib.sha256).hexdigest()
            sys.stdout.buffer.write(canon(obj))
            """;
        var (exitCode, output, error) = await SignEventScript.RunAsync(["-c", Script, key], Encoding.UTF8.GetBytes(json));
        exitCode.Should().Be(0, error);
        return Encoding.UTF8.GetBytes(output);
    }

    /// <summary>A status payload (unsigned) as a host publishes it: one session.</summary>
    public static string Status(string host, string workspace, DateTimeOffset publishedAt, string session = "s-1") =>
        $$"""{"version":1,"workspace":"{{workspace}}","host":"{{host}}","published_at":"{{publishedAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}","interval":60,"tmux":{"known":true,"reason":null},"sessions":[{"name":"{{session}}","registered":true,"status":"running","last_visible_status":"running","live":"alive","pane":null,"claude_session_id_own":null,"agy_session_id_own":null,"last_drift":null}]}""";

    public static async Task<IMqttClient> ConnectAsync(int port, string? user = null, string? password = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId("fleet-test-" + Guid.NewGuid().ToString("N")[..8]);
        if (user is not null)
        {
            options.WithCredentials(user, password);
        }

        await client.ConnectAsync(options.Build());
        return client;
    }

    public static async Task<MqttClientPublishReasonCode> PublishRetainedAsync(IMqttClient client, string topic, byte[] payload)
    {
        var result = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build());
        return result.ReasonCode;
    }

    /// <summary>The retained payloads under <paramref name="filter"/>, gathered until the broker is quiet (bounded).</summary>
    public static async Task<Dictionary<string, string>> RetainedAsync(int port, string filter)
    {
        using var client = await ConnectAsync(port);
        var received = new Dictionary<string, string>();
        var last = Stopwatch.StartNew();
        client.ApplicationMessageReceivedAsync += e =>
        {
            lock (received)
            {
                received[e.ApplicationMessage.Topic] = Encoding.UTF8.GetString(e.ApplicationMessage.Payload);
                last.Restart();
            }

            return Task.CompletedTask;
        };
        await client.SubscribeAsync(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            lock (received)
            {
                if (received.Count > 0 && last.Elapsed > TimeSpan.FromMilliseconds(500))
                {
                    break;
                }
            }

            await Task.Delay(50); // a bounded poll for the broker's retained burst to end
        }

        lock (received)
        {
            return new Dictionary<string, string>(received);
        }
    }
}
