using System.Collections.Concurrent;
using Outbox.Inbox.Internal.Consuming;
using Outbox.Inbox.Internal.Dispatch;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.Dispatch;

public sealed class KeyOrderedDispatcherTests
{
    private static readonly Action<ConsumedRecord, Exception> Rethrow = (_, e) => throw new InvalidOperationException("unexpected fault", e);

    [Fact]
    public async Task Per_key_order_holds_with_32_parallel_slots_and_thousands_of_random_keys()
    {
        // Property: whatever the interleaving, each key's records run in offset order, never two of one key at once,
        // and never more than MaxDegreeOfParallelism in total. Fixed seed, so a failure reproduces.
        var random = new Random(20261126);
        const int parallelism = 32;
        using var limiter = new SemaphoreSlim(parallelism, parallelism);
        var seen = new ConcurrentDictionary<string, List<long>>();
        var runningPerKey = new ConcurrentDictionary<string, int>();
        var running = 0;
        var maxRunning = 0;
        var overlaps = 0;
        var done = 0;
        const int count = 20_000;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delays = Enumerable.Range(0, count).Select(_ => random.Next(0, 4)).ToArray();
        var dispatcher = new KeyOrderedDispatcher(limiter, async (record, ct) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref maxRunning, now);
            if (runningPerKey.AddOrUpdate(record.Key!, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            var delay = delays[record.Offset];
            if (delay == 0)
            {
                await Task.Yield();
            }
            else
            {
                await Task.Delay(delay, ct);
            }

            lock (seen)
            {
                seen.GetOrAdd(record.Key!, _ => []).Add(record.Offset);
            }

            runningPerKey.AddOrUpdate(record.Key!, 0, (_, n) => n - 1);
            Interlocked.Decrement(ref running);
            if (Interlocked.Increment(ref done) == count)
            {
                all.SetResult();
            }
        }, Rethrow);

        var keys = Enumerable.Range(0, 3000).Select(i => $"aggregate-{i}").ToArray();
        for (var offset = 0; offset < count; offset++)
        {
            dispatcher.Enqueue(Records.At(offset, keys[random.Next(keys.Length)]));
        }

        await all.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        await dispatcher.WhenIdleAsync();

        Assert.Equal(0, overlaps);
        Assert.InRange(maxRunning, 2, parallelism);
        Assert.Equal(count, seen.Values.Sum(l => l.Count));
        foreach (var (key, offsets) in seen)
        {
            Assert.True(offsets.SequenceEqual(offsets.Order()), $"Records of {key} ran out of order: {string.Join(",", offsets)}");
        }

        Assert.Equal(0, dispatcher.Buffered);
    }

    [Fact]
    public async Task Different_keys_run_at_the_same_time_and_the_same_key_waits()
    {
        using var limiter = new SemaphoreSlim(8, 8);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new ConcurrentQueue<long>();
        var twoStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new KeyOrderedDispatcher(limiter, async (record, _) =>
        {
            started.Enqueue(record.Offset);
            if (started.Count == 2)
            {
                twoStarted.TrySetResult();
            }

            await release.Task;
        }, Rethrow);

        dispatcher.Enqueue(Records.At(0, "a"));
        dispatcher.Enqueue(Records.At(1, "a"));
        dispatcher.Enqueue(Records.At(2, "b"));

        await twoStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal([0L, 2L], started.Order());
        Assert.Equal(3, dispatcher.Buffered);

        release.SetResult();
        await WaitUntilIdle(dispatcher, 3, started);
        Assert.Equal(0, dispatcher.Buffered);
    }

    [Fact]
    public async Task Unkeyed_records_run_one_after_another()
    {
        using var limiter = new SemaphoreSlim(8, 8);
        var order = new ConcurrentQueue<long>();
        var running = 0;
        var overlaps = 0;
        var dispatcher = new KeyOrderedDispatcher(limiter, async (record, _) =>
        {
            if (Interlocked.Increment(ref running) > 1)
            {
                Interlocked.Increment(ref overlaps);
            }

            await Task.Yield();
            order.Enqueue(record.Offset);
            Interlocked.Decrement(ref running);
        }, Rethrow);

        for (var offset = 0; offset < 200; offset++)
        {
            dispatcher.Enqueue(Records.At(offset, key: null));
        }

        await WaitUntilIdle(dispatcher, 200, order);
        Assert.Equal(0, overlaps);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), order);
    }

    [Fact]
    public async Task Buffered_counts_waiting_and_running_records_and_their_bytes_so_the_loop_can_pause()
    {
        using var limiter = new SemaphoreSlim(1, 1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new ConcurrentQueue<long>();
        var dispatcher = new KeyOrderedDispatcher(limiter, async (record, _) =>
        {
            await release.Task;
            done.Enqueue(record.Offset);
        }, Rethrow);

        for (var offset = 0; offset < 50; offset++)
        {
            dispatcher.Enqueue(Records.At(offset, $"k{offset % 5}", size: 100 + offset));
        }

        Assert.Equal(50, dispatcher.Buffered);
        Assert.Equal(Enumerable.Range(0, 50).Sum(offset => 100L + offset), dispatcher.BufferedBytes);
        release.SetResult();
        await WaitUntilIdle(dispatcher, 50, done);
        Assert.Equal(0, dispatcher.Buffered);
        Assert.Equal(0, dispatcher.BufferedBytes);
    }

    [Fact]
    public async Task Stop_drops_waiting_records_and_lets_running_ones_finish()
    {
        using var limiter = new SemaphoreSlim(4, 4);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new ConcurrentQueue<long>();
        var dispatcher = new KeyOrderedDispatcher(limiter, async (record, _) =>
        {
            firstStarted.TrySetResult();
            await release.Task;
            done.Enqueue(record.Offset);
        }, Rethrow);

        dispatcher.Enqueue(Records.At(0, "a", size: 10));
        dispatcher.Enqueue(Records.At(1, "a", size: 20));
        dispatcher.Enqueue(Records.At(2, "a", size: 30));
        await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        dispatcher.Stop();
        dispatcher.Enqueue(Records.At(3, "b"));
        Assert.False(dispatcher.WhenIdleAsync().IsCompleted);
        release.SetResult();
        await dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal([0L], done);
        Assert.Equal(0, dispatcher.Buffered);
        Assert.Equal(0, dispatcher.BufferedBytes);
    }

    [Fact]
    public async Task Abort_cancels_running_records()
    {
        using var limiter = new SemaphoreSlim(4, 4);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new KeyOrderedDispatcher(limiter, async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }, Rethrow);

        dispatcher.Enqueue(Records.At(0, "a"));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        dispatcher.Stop();
        dispatcher.Abort();
        await dispatcher.WhenIdleAsync().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(0, dispatcher.Buffered);
    }

    [Fact]
    public async Task A_faulted_record_halts_its_key_but_not_the_others()
    {
        using var limiter = new SemaphoreSlim(4, 4);
        var faults = new ConcurrentQueue<long>();
        var done = new ConcurrentQueue<long>();
        var dispatcher = new KeyOrderedDispatcher(limiter, async (record, _) =>
        {
            await Task.Yield();
            if (record.Offset == 0)
            {
                throw new InvalidOperationException("bug");
            }

            done.Enqueue(record.Offset);
        }, (record, _) => faults.Enqueue(record.Offset));

        dispatcher.Enqueue(Records.At(0, "a", size: 10));
        dispatcher.Enqueue(Records.At(1, "a", size: 20));
        dispatcher.Enqueue(Records.At(2, "b", size: 30));
        await WaitUntil(() => faults.Count == 1 && done.Count == 1 && dispatcher.WhenIdleAsync().IsCompleted);
        dispatcher.Enqueue(Records.At(3, "a"));
        dispatcher.Enqueue(Records.At(4, "b"));
        await WaitUntil(() => done.Count == 2 && dispatcher.WhenIdleAsync().IsCompleted);

        Assert.Equal([2L, 4L], done.Order());
        Assert.Equal([0L], faults);
        Assert.Equal(0, dispatcher.Buffered);
        Assert.Equal(0, dispatcher.BufferedBytes);
    }

    private static async Task WaitUntilIdle(IRecordDispatcher dispatcher, int expected, IReadOnlyCollection<long> done) =>
        await WaitUntil(() => done.Count == expected && dispatcher.WhenIdleAsync().IsCompleted);

    internal static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
