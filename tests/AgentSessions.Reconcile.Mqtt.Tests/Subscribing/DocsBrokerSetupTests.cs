using System.Diagnostics;
using MQTTnet;
using MQTTnet.Protocol;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

/// <summary>The private-broker setup in docs/mqtt/ (TLS, password file, per-job ACL) really works.</summary>
public sealed class DocsBrokerSetupTests
{
    private const string MonitorUser = "agent-sessions-monitor";
    private const string MonitorPassword = "monitor-pw";

    [Fact]
    public async Task DocsConfig_MonitorAndJobsWithTheirCredentials_OwnTopicOnly()
    {
        using var certificates = new TestCertificates();
        await using var broker = await MosquittoBroker.StartAsync((port, folder) => DocsConfig(port, folder, certificates), certificates);
        using var workspace = new PushWorkspace(("j-1", "tok-1"), ("j-2", "tok-2"));
        var before = File.ReadAllText(workspace.RegistryPath);
        var options = MonitorRunner.Options(broker.Url, "t-docs");
        options.CaFile = certificates.CaFile;
        options.Username = MonitorUser;
        options.Password = MonitorPassword;
        await using var runner = new MonitorRunner(workspace, options);
        await runner.WaitForStatusAsync("subscribed");

        // j-1 may publish to its own topic only: its attempt at j-2's topic is refused by the ACL.
        using var job = await ConnectJobAsync(broker, certificates, "j-1", "j-1-pw");
        var refused = await job.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic("agent-sessions/lab/jobs/j-2/events").WithPayload("{}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        refused.ReasonCode.Should().Be(MqttClientPublishReasonCode.NotAuthorized);
        var publisher = new JobEventPublisher(job, new JobEventPublisherOptions { TopicPrefix = "agent-sessions/lab", JobId = "j-1", Session = PushWorkspace.Session, AuthToken = "tok-1", FirstSequence = 1 });
        await publisher.PublishAsync(JobEventType.Completed);
        await runner.WaitForEventAsync("j-1", 1);

        // j-2 still runs: j-1's status is recorded, the row stays running.
        var after = workspace.RegistryText;
        after.Should().NotBe(before).And.Contain("status: completed").And.NotContain("termination_mode");
        runner.Monitor.Drops.Should().BeEmpty("the forged topic never reached the monitor");
    }

    [Fact]
    public async Task DocsConfig_WrongPassword_RefusedInOneSentence()
    {
        using var certificates = new TestCertificates();
        await using var broker = await MosquittoBroker.StartAsync((port, folder) => DocsConfig(port, folder, certificates), certificates);
        using var workspace = new PushWorkspace(("j-1", "tok-1"));
        var options = MonitorRunner.Options(broker.Url, "t-docs-bad");
        options.CaFile = certificates.CaFile;
        options.Username = MonitorUser;
        options.Password = "wrong";

        await using var runner = new MonitorRunner(workspace, options);

        await runner.WaitForStatusAsync("cannot use the broker");
        runner.Statuses.Should().ContainSingle().Which.Should().Contain("the broker refused the connection (CONNACK ").And.NotContain("Success");
    }

    private static async Task<IMqttClient> ConnectJobAsync(MosquittoBroker broker, TestCertificates certificates, string user, string password)
    {
        var tls = new BrokerTls(certificates.CaFile);
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("localhost", broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCredentials(user, password)
            .WithClientId("job-" + user)
            .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost").WithCertificateValidationHandler(a => tls.Validate(a.Certificate, a.SslPolicyErrors)))
            .Build());
        return client;
    }

    /// <summary>docs/mqtt/mosquitto.conf with its paths moved to the test folder and its port to a free one on 127.0.0.1.</summary>
    private static string DocsConfig(int port, string folder, TestCertificates certificates)
    {
        var docs = Path.Combine(AppContext.BaseDirectory, "DocsMqtt");
        File.Copy(Path.Combine(docs, "acl"), Path.Combine(folder, "acl"), overwrite: true);
        var passwd = Path.Combine(folder, "passwd");
        File.WriteAllText(passwd, string.Empty);
        foreach (var (user, password) in new[] { (MonitorUser, MonitorPassword), ("j-1", "j-1-pw"), ("j-2", "j-2-pw") })
        {
            Run("mosquitto_passwd", "-b", passwd, user, password);
        }

        File.Copy(certificates.CaFile, Path.Combine(folder, "ca.crt"), overwrite: true);
        File.Copy(certificates.ServerCertFile, Path.Combine(folder, "broker.crt"), overwrite: true);
        File.Copy(certificates.ServerKeyFile, Path.Combine(folder, "broker.key"), overwrite: true);
        var persistence = Path.Combine(folder, "data") + "/";
        Directory.CreateDirectory(persistence);
        return File.ReadAllText(Path.Combine(docs, "mosquitto.conf"))
            .Replace("/etc/mosquitto/agent-sessions/", folder + "/", StringComparison.Ordinal)
            .Replace("/var/lib/mosquitto/", persistence, StringComparison.Ordinal)
            .Replace("listener 8883", $"listener {port} 127.0.0.1", StringComparison.Ordinal)
            + $"\nuser {Environment.UserName}\nlog_dest none\n";
    }

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit(20_000).Should().BeTrue();
        process.ExitCode.Should().Be(0, process.StandardError.ReadToEnd());
    }
}
