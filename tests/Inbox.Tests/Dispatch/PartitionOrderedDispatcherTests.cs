using System.Collections.Concurrent;
using Outbox.Inbox.Internal.Dispatch;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.Dispatch;

public sealed class PartitionOrderedDispatcherTests
{
    [Fact]
    public async Task Records_run_one_at_a_time_in_offset_order_whatever_their_keys()
    {
        using var limiter = new SemaphoreSlim(16, 16);
        var order = new ConcurrentQueue<long>();
        var running = 0;
        var overlaps = 0;
        var dispatcher = new PartitionOrderedDispatcher(limiter, async (record, _) =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Yield();
            order.Enqueue(record.Offset);
            Interlocked.Decrement(ref running);
        }, (_, e) => throw new InvalidOperationException("unexpected", e));

        for (var offset = 0; offset < 500; offset++)
        {
            dispatcher.Enqueue(Records.At(offset, $"key-{offset % 17}"));
        }

        await KeyOrderedDispatcherTests.WaitUntil(() => order.Count == 500 && dispatcher.WhenIdleAsync().IsCompleted);
        Assert.Equal(0, overlaps);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), order);
        Assert.Equal(0, dispatcher.Buffered);
    }

    [Fact]
    public async Task A_faulted_record_stops_the_partition()
    {
        using var limiter = new SemaphoreSlim(4, 4);
        var done = new ConcurrentQueue<long>();
        var faults = new ConcurrentQueue<long>();
        var dispatcher = new PartitionOrderedDispatcher(limiter, async (record, _) =>
        {
            await Task.Yield();
            if (record.Offset == 1)
            {
                throw new InvalidOperationException("bug");
            }

            done.Enqueue(record.Offset);
        }, (record, _) => faults.Enqueue(record.Offset));

        for (var offset = 0; offset < 5; offset++)
        {
            dispatcher.Enqueue(Records.At(offset, "k"));
        }

        await KeyOrderedDispatcherTests.WaitUntil(() => faults.Count == 1 && dispatcher.WhenIdleAsync().IsCompleted);
        dispatcher.Enqueue(Records.At(5, "k"));
        Assert.Equal([0L], done);
        Assert.Equal(0, dispatcher.Buffered);
    }
}
