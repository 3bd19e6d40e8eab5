using System.Diagnostics;
using System.Text;
using AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

namespace AgentSessions.Reconcile.Mqtt.Tests.Fleet;

/// <summary><see cref="FleetStatusPublisher"/> against a real mosquitto: when it publishes, and that broker trouble never reaches the pass.</summary>
public sealed class FleetStatusPublisherTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ChangedPassPublishesAtOnce_UnchangedPassWaitsForTheHeartbeat()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        var time = new ArmedClock();
        var heartbeatDue = time.GetUtcNow().AddSeconds(60);
        var reads = 0;
        var publisher = new FleetStatusPublisher(Options(broker.Url), "ws1", _ =>
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult(Encoding.UTF8.GetBytes("""{"version":1,"workspace":"ws1","sessions":[]}"""));
        }, time);
        using var stop = new CancellationTokenSource();
        var running = publisher.RunAsync(stop.Token);

        await WaitAsync(() => publisher.PublishedCount == 1, "the first status on connect");
        publisher.OnPassCompleted(Report(tmuxKnown: true));          // tmux readable for the first time: a change
        await WaitAsync(() => publisher.PublishedCount == 2, "the first pass's status");

        publisher.OnPassCompleted(Report(tmuxKnown: true));          // nothing changed: no read, no publish
        publisher.OnPassCompleted(Report(tmuxKnown: true, written: true));
        await WaitAsync(() => publisher.PublishedCount == 3 && time.IsArmed(heartbeatDue), "the changed pass's status, then the wait for the heartbeat");
        Volatile.Read(ref reads).Should().Be(3, "the unchanged pass read nothing");

        time.Advance(TimeSpan.FromSeconds(60));                      // the heartbeat (moved once its wait was armed)
        await WaitAsync(() => publisher.PublishedCount == 4, "the heartbeat status");

        await stop.CancelAsync();
        await running.WaitAsync(Bound);
    }

    [Fact]
    public async Task BrokerDown_PassesAreNeverHeldAndStoppingEndsQuietly()
    {
        var broker = MosquittoBroker.Create(); // never started: connection refused
        await using (broker)
        {
            var publisher = new FleetStatusPublisher(Options(broker.Url), "ws1", _ => throw new InvalidOperationException("not called while disconnected"));
            using var stop = new CancellationTokenSource();
            var running = publisher.RunAsync(stop.Token);
            for (var i = 0; i < 10_000; i++)
            {
                publisher.OnPassCompleted(Report(tmuxKnown: i % 2 == 0, written: true));
            }

            running.IsCompleted.Should().BeFalse("it keeps retrying the broker in the background");
            await stop.CancelAsync();
            await running.WaitAsync(Bound);
            publisher.PublishedCount.Should().Be(0);
        }
    }

    [Theory]
    [InlineData("bad id")]
    [InlineData("host/evil")]
    [InlineData("+")]
    public void HostIdOutsideTheJobIdGrammar_Refused(string hostId)
    {
        var options = Options("mqtt://127.0.0.1:1");
        options.HostId = hostId;
        var act = () => new FleetStatusPublisher(options, "ws1", _ => Task.FromResult(Array.Empty<byte>()));
        act.Should().Throw<ArgumentException>().WithMessage($"*host id '{hostId}'*");
    }

    [Fact]
    public void SignedPayload_VerifiesWithItsKeyOnly_AndOnlyInCanonicalForm()
    {
        var signed = FleetWire.Sign("""{"workspace":"w","host":"h","n":1,"t":"é😀"}"""u8, "k1");
        var ok = FleetWire.Verify(signed, "k1");
        ok.Should().NotBeNull();
        ok!.Value.GetProperty("t").GetString().Should().Be("é😀");

        FleetWire.Verify(signed, "k2").Should().BeNull("another key");
        var text = Encoding.UTF8.GetString(signed);
        FleetWire.Verify(Encoding.UTF8.GetBytes(text.Replace("\"n\":1", "\"n\":2", StringComparison.Ordinal)), "k1").Should().BeNull("tampered");
        FleetWire.Verify(Encoding.UTF8.GetBytes(text.Replace(",", ", ", StringComparison.Ordinal)), "k1").Should().BeNull("not canonical");
    }

    private static FleetPublisherOptions Options(string broker) => new()
    {
        HostId = "h1",
        Key = "fleet-key",
        KeepAlive = TimeSpan.FromSeconds(5),
        Connection = new MqttTriggerOptions { Broker = broker, ReconnectDelay = TimeSpan.FromMilliseconds(100), MaxReconnectDelay = TimeSpan.FromMilliseconds(200) },
    };

    private static DriftReport Report(bool tmuxKnown, bool written = false) =>
        new("ws1", DateTimeOffset.UtcNow, dryRun: false, []) { TmuxKnown = tmuxKnown, RegistryWritten = written };

    private static async Task WaitAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            deadline.Elapsed.Should().BeLessThan(Bound, "waiting for " + what);
            await Task.Delay(20); // a bounded poll on a condition
        }
    }
}
