using Outbox.Inbox.Internal.Consuming;
using Xunit;

namespace Outbox.Inbox.Tests.Consuming;

public sealed class BufferBoundTests
{
    [Fact]
    public void Either_bound_pauses_and_only_both_at_half_resume()
    {
        var bound = new BufferBound(MaxRecords: 100, MaxBytes: 1000);

        Assert.False(bound.IsReached(99, 999));
        Assert.True(bound.IsReached(100, 0));
        Assert.True(bound.IsReached(1, 1000));
        Assert.True(bound.IsDrained(50, 500));
        Assert.False(bound.IsDrained(51, 0));
        Assert.False(bound.IsDrained(0, 501));
    }

    [Fact]
    public void A_partition_that_stops_fetching_at_the_bound_never_holds_more()
    {
        // The consume loop's cycle: take a record unless paused, finish some, pause or resume. Whatever the record
        // sizes and finishing pace, the partition holds at most MaxRecords, and less than MaxBytes plus one record.
        var random = new Random(20261127);
        var bound = new BufferBound(MaxRecords: 64, MaxBytes: 16 * 1024);
        var held = new Queue<long>();
        var paused = false;
        var (maxRecords, maxBytes, pauses) = (0, 0L, 0);
        for (var step = 0; step < 100_000; step++)
        {
            if (!paused)
            {
                held.Enqueue(random.Next(1, 2048));
            }

            for (var finished = random.Next(0, 2); finished > 0 && held.Count > 0; finished--)
            {
                held.Dequeue();
            }

            var bytes = held.Sum();
            maxRecords = Math.Max(maxRecords, held.Count);
            maxBytes = Math.Max(maxBytes, bytes);
            if (!paused && bound.IsReached(held.Count, bytes))
            {
                paused = true;
                pauses++;
            }
            else if (paused && bound.IsDrained(held.Count, bytes))
            {
                paused = false;
            }
        }

        Assert.True(pauses > 10, $"The bound was reached only {pauses} times.");
        Assert.InRange(maxRecords, 1, bound.MaxRecords);
        Assert.InRange(maxBytes, 1, bound.MaxBytes + 2048);
    }
}
