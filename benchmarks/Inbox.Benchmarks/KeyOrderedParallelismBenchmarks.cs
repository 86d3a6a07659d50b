using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Outbox.Inbox.Internal.Consuming;
using Outbox.Inbox.Internal.Dispatch;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// A 5 ms handler on one partition with 1 000 keys: records per second at MaxDegreeOfParallelism 1, 8 and 32.
/// The ratio to the baseline is the speed-up per-key ordering still allows (target: at least 20× at 32).
/// </summary>
[MemoryDiagnoser]
public class KeyOrderedParallelismBenchmarks
{
    private const int Records = 1000;
    private ConsumedRecord[] _records = [];

    [Params(1, 8, 32)]
    public int MaxDegreeOfParallelism { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _records =
        [
            .. Enumerable.Range(0, Records).Select(offset => new ConsumedRecord
            {
                Topic = "orders",
                Partition = 0,
                Offset = offset,
                Timestamp = Timestamp.Default,
                Key = $"order-{random.Next(1000)}",
            }),
        ];
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public async Task Handle_records_with_a_5ms_handler()
    {
        using var limiter = new SemaphoreSlim(MaxDegreeOfParallelism, MaxDegreeOfParallelism);
        var done = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatcher = new KeyOrderedDispatcher(
            limiter,
            async (_, ct) =>
            {
                await Task.Delay(5, ct);
                if (Interlocked.Increment(ref done) == Records)
                {
                    all.SetResult();
                }
            },
            (_, e) => all.TrySetException(e));
        foreach (var record in _records)
        {
            dispatcher.Enqueue(record);
        }

        await all.Task;
    }
}
