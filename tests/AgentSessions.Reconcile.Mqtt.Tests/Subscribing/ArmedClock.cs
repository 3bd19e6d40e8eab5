using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace AgentSessions.Reconcile.Mqtt.Tests.Subscribing;

/// <summary>
/// A fake clock that knows which of its timers are armed and not yet disposed. A test moves the clock only
/// once the code under test has armed the wait the move is meant to end: a move that came first would start
/// that wait late (the wait counts from the clock's time when it is armed), which on a loaded machine made
/// step-and-sleep tests end late or run fewer passes than the code does.
/// </summary>
internal sealed class ArmedClock : FakeTimeProvider
{
    private readonly ConcurrentDictionary<ArmedTimer, DateTimeOffset> _armed = new();

    public ArmedClock()
        : base(DateTimeOffset.UtcNow)
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ArmedTimer(this, base.CreateTimer(callback, state, dueTime, period));
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _armed[timer] = GetUtcNow() + dueTime;
        }

        return timer;
    }

    /// <summary>Whether a timer due at <paramref name="dueAt"/> (to the millisecond, still ahead) is armed now.</summary>
    public bool IsArmed(DateTimeOffset dueAt) =>
        dueAt > GetUtcNow() && _armed.Values.Any(d => Math.Abs((d - dueAt).Ticks) < TimeSpan.TicksPerMillisecond);

    /// <summary>Waits (bounded) until a timer due at <paramref name="dueAt"/> is armed and <paramref name="also"/> holds.</summary>
    public Task WaitArmedAsync(DateTimeOffset dueAt, string what, Task? failFast = null, Func<bool>? also = null) =>
        MonitorRunner.EventuallyAsync(() => IsArmed(dueAt) && (also?.Invoke() ?? true), $"{what} (a timer armed for {dueAt:HH:mm:ss.fff})", failFast);

    private sealed class ArmedTimer(ArmedClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                clock._armed.TryRemove(this, out _);
            }
            else
            {
                clock._armed[this] = clock.GetUtcNow() + dueTime;
            }

            return inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            clock._armed.TryRemove(this, out _);
            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            clock._armed.TryRemove(this, out _);
            return inner.DisposeAsync();
        }
    }
}
