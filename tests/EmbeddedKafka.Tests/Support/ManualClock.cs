namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>
/// A clock that moves only when a test advances it, so session and rebalance timeouts expire exactly when
/// the test says, however loaded the machine. Timers still fire in real time: the broker's periodic check
/// runs as usual and reads this clock.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private long _utcTicks = DateTimeOffset.UtcNow.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
