namespace Outbox.Internal.Relay;

/// <summary>Exponential delay between retries, from 100 ms up to a ceiling, reset by a success.</summary>
internal sealed class RetryBackoff(TimeSpan max)
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(100);
    private TimeSpan _next = First;

    public TimeSpan Next()
    {
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(max.Ticks, _next.Ticks * 2));
        return delay < max ? delay : max;
    }

    public void Reset() => _next = First;
}
