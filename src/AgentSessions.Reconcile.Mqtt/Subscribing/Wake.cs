using System.Threading.Channels;

namespace AgentSessions.Reconcile.Mqtt;

/// <summary>Wakes one waiting loop: signals that come while it is busy are one wake-up, never lost.</summary>
internal sealed class Wake(TimeProvider time)
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Signal() => _signals.Writer.TryWrite(true);

    /// <summary>Waits for a signal or the end of <paramref name="wait"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no end); true when signalled.</summary>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<bool> WaitAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, time, timer.Token);
        var woken = _signals.Reader.WaitToReadAsync(timer.Token).AsTask();
        var first = await Task.WhenAny(delay, woken).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        _signals.Reader.TryRead(out _);
        return first == woken && woken.IsCompletedSuccessfully;
    }
}
