using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Transactions.Benchmarks;

/// <summary>
/// How many inputs a consumer group has committed: the sum of its committed offsets on the input topic. The side
/// under test calls <see cref="Signal"/> after each commit; <see cref="WaitForAsync"/> reads the offsets then (and
/// at least every 100 ms), not in a tight loop, so no observer competes with the side for the two cores.
/// </summary>
internal sealed class CommittedInputs(string bootstrapServers, string group) : IDisposable
{
    private static readonly IReadOnlyList<TopicPartition> Partitions =
        [.. Enumerable.Range(0, PipelineTopics.Partitions).Select(p => new TopicPartition(PipelineTopics.Input, p))];

    private readonly SemaphoreSlim _commits = new(0);
    private readonly IConsumer<Ignore, Ignore> _reader =
        new ConsumerBuilder<Ignore, Ignore>(new KafkaClientOptions { BootstrapServers = bootstrapServers }.CreateConsumerConfig(group)).Build();

    /// <summary>The group's committed offsets summed over the input's partitions (a broker round trip).</summary>
    public long Read() => ReadPartitions().Sum();

    /// <summary>The group's committed offset on each of the input's partitions, by partition number.</summary>
    public long[] ReadPartitions()
    {
        var offsets = new long[Partitions.Count];
        foreach (var committed in _reader.Committed(Partitions, TimeSpan.FromSeconds(10)))
        {
            offsets[committed.Partition.Value] = committed.Offset.IsSpecial ? 0 : committed.Offset.Value;
        }

        return offsets;
    }

    /// <summary>Called by the side under test after it committed.</summary>
    public void Signal() => _commits.Release();

    /// <summary>Completes once the group has committed at least <paramref name="inputs"/> inputs.</summary>
    public async Task<long> WaitForAsync(long inputs)
    {
        while (true)
        {
            if (Read() is var committed && committed >= inputs)
            {
                return committed;
            }

            await _commits.WaitAsync(TimeSpan.FromMilliseconds(100));
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _commits.Dispose();
    }
}
