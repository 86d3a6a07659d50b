using Microsoft.Extensions.Options;

namespace Outbox.Inbox.Internal.Pipeline.Retry;

/// <summary>Exponential backoff between attempts: the first wait, doubled per attempt, capped.</summary>
internal sealed class RetryBackoff
{
    private readonly TimeSpan _first;
    private readonly TimeSpan _max;

    public RetryBackoff(IOptions<InboxOptions> options)
        : this(options.Value.RetryBackoff, options.Value.MaxRetryBackoff)
    {
    }

    public RetryBackoff(TimeSpan first, TimeSpan max)
    {
        _first = first;
        _max = max;
    }

    /// <summary>The wait after failed attempt <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan After(int attempt)
    {
        var factor = Math.Pow(2, Math.Min(attempt - 1, 30));
        var ticks = Math.Min(_first.Ticks * factor, _max.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
