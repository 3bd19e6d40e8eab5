using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace AgentSessions.Reconcile.Mqtt.Tests;

/// <summary>The publisher through MQTTnet's in-process broker (the real-mosquitto interop lives with the subscriber).</summary>
public sealed class JobEventPublisherTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly ConcurrentQueue<MqttApplicationMessage> _published = new();
    private readonly FakeTimeProvider _time = new(SomeEvent.Now);
    private MqttServer _server = null!;
    private IMqttClient _client = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort();
        var factory = new MqttServerFactory();
        _server = factory.CreateMqttServer(factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(port)
            .Build());
        _server.InterceptingPublishAsync += e =>
        {
            _published.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await _server.StartAsync();

        _client = new MqttClientFactory().CreateMqttClient();
        using var timeout = new CancellationTokenSource(Bound);
        await _client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("job-runner").Build(), timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _client.DisconnectAsync();
        _client.Dispose();
        await _server.StopAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task PublishAsync_TwoEvents_SendsSignedQos1NotRetainedEventsTheVerifierAccepts()
    {
        var publisher = new JobEventPublisher(_client, Options(), _time);
        var verifier = SomeEvent.Verifier(out _);

        var started = await publisher.PublishAsync(JobEventType.Started);
        _time.Advance(TimeSpan.FromSeconds(5));
        var completed = await publisher.PublishAsync(JobEventType.Completed, JsonDocument.Parse("""{"summary":"done ✓"}""").RootElement);

        var messages = await PublishedAsync(2);
        messages.Should().AllSatisfy(m =>
        {
            m.Topic.Should().Be(SomeEvent.Topic());
            m.QualityOfServiceLevel.Should().Be(MqttQualityOfServiceLevel.AtLeastOnce);
            m.Retain.Should().BeFalse();
        });
        var results = messages.Select(m => verifier.Verify(m.Topic, SomeEvent.Prefix, m.Payload.ToArray(), SomeEvent.FindJob)).ToList();
        results.Should().AllSatisfy(r => r.Reason.Should().BeNull());
        results.Select(r => (r.Event!.Type, r.Event.Sequence, r.Event.Timestamp)).Should().Equal(
            (JobEventType.Started, 1L, SomeEvent.Now),
            (JobEventType.Completed, 2L, SomeEvent.Now.AddSeconds(5)));
        results[1].Event!.Data!.Value.GetProperty("summary").GetString().Should().Be("done ✓");
        (started.Sequence, completed.Sequence).Should().Be((1, 2));
        started.Nonce.Should().NotBe(completed.Nonce).And.HaveLength(22);
    }

    [Fact]
    public async Task PublishAsync_FirstSequenceSet_ContinuesFromIt()
    {
        var options = Options();
        options.FirstSequence = 41;
        var publisher = new JobEventPublisher(_client, options, _time);

        (await publisher.PublishAsync(JobEventType.Progress)).Sequence.Should().Be(41);
        (await publisher.PublishAsync(JobEventType.Progress)).Sequence.Should().Be(42);
    }

    [Fact]
    public async Task PublishAsync_DataWithAFloat_ThrowsAndSendsNothing()
    {
        var publisher = new JobEventPublisher(_client, Options(), _time);

        var publish = () => publisher.PublishAsync(JobEventType.Progress, JsonDocument.Parse("""{"pct":0.5}""").RootElement);

        (await publish.Should().ThrowAsync<ArgumentException>()).WithMessage("*floating-point*");
        _published.Should().BeEmpty();
    }

    [Theory]
    [InlineData("j/1", "agent-sessions/lab")]
    [InlineData("j+1", "agent-sessions/lab")]
    [InlineData("j-1", "agent-sessions/+")]
    [InlineData("j-1", "agent-sessions/#")]
    [InlineData("j-1", "")]
    public void Constructor_JobIdOrPrefixOutsideTheRules_Throws(string jobId, string prefix)
    {
        var options = Options();
        options.JobId = jobId;
        options.TopicPrefix = prefix;

        var create = () => new JobEventPublisher(_client, options, _time);

        create.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Sign_DataOverTheSizeLimit_Throws()
    {
        var data = JsonDocument.Parse($$"""{"pad":"{{new string('x', 64 * 1024)}}"}""").RootElement;
        var jobEvent = new JobEvent(SomeEvent.JobId, SomeEvent.Session, JobEventType.Progress, 1, SomeEvent.Now, "n", data);

        var sign = () => JobEventPublisher.Sign(jobEvent, SomeEvent.Token);

        sign.Should().Throw<ArgumentException>().WithMessage("*65536*");
    }

    private static JobEventPublisherOptions Options() => new()
    {
        TopicPrefix = SomeEvent.Prefix,
        JobId = SomeEvent.JobId,
        Session = SomeEvent.Session,
        AuthToken = SomeEvent.Token,
    };

    private async Task<IReadOnlyList<MqttApplicationMessage>> PublishedAsync(int count)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (_published.Count < count)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), timeout.Token);
        }

        return [.. _published];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
