using Confluent.Kafka;

namespace Outbox.Transactions.Internal;

/// <summary>
/// The input records of the open transaction: how many, until when it may stay open, and for each
/// partition the offset to commit (the next one to consume, as Kafka expects).
/// </summary>
internal sealed class TransactionBatch
{
    private readonly Dictionary<TopicPartition, Offset> _nextOffsets = [];

    public bool IsOpen { get; private set; }

    public int Count { get; private set; }

    public DateTimeOffset Deadline { get; private set; }

    /// <summary>The group metadata of the generation that delivered the first record: a zombie's commit is fenced by it.</summary>
    public IConsumerGroupMetadata? GroupMetadata { get; private set; }

    public void Open(DateTimeOffset deadline, IConsumerGroupMetadata? groupMetadata)
    {
        if (IsOpen)
        {
            throw new InvalidOperationException("The batch is already open.");
        }

        IsOpen = true;
        Deadline = deadline;
        GroupMetadata = groupMetadata;
    }

    public void Add(TopicPartitionOffset consumed)
    {
        if (!IsOpen)
        {
            throw new InvalidOperationException("Records are added to an open batch only.");
        }

        if (_nextOffsets.TryGetValue(consumed.TopicPartition, out var next) && consumed.Offset.Value < next.Value)
        {
            throw new InvalidOperationException($"{consumed} goes back behind offset {next.Value - 1} already in the transaction.");
        }

        _nextOffsets[consumed.TopicPartition] = new Offset(consumed.Offset.Value + 1);
        Count++;
    }

    public IReadOnlyList<TopicPartitionOffset> Offsets() =>
        [.. _nextOffsets.Select(entry => new TopicPartitionOffset(entry.Key, entry.Value))];

    public bool IsDue(DateTimeOffset now, int maxBatchSize) => IsOpen && (Count >= maxBatchSize || now >= Deadline);

    public void Reset()
    {
        _nextOffsets.Clear();
        IsOpen = false;
        Count = 0;
        GroupMetadata = null;
    }
}
