using Confluent.Kafka;
using Outbox.Inbox.Internal.Dispatch;

namespace Outbox.Inbox.Internal.Consuming;

/// <summary>The state of one assigned partition: its commit point, its dispatcher and whether fetching is paused.</summary>
internal sealed class PartitionWork
{
    public PartitionWork(TopicPartition partition, PartitionWatermark watermark, IRecordDispatcher dispatcher)
    {
        Partition = partition;
        Watermark = watermark;
        Dispatcher = dispatcher;
    }

    public TopicPartition Partition { get; }

    public PartitionWatermark Watermark { get; }

    public IRecordDispatcher Dispatcher { get; }

    public bool Paused { get; set; }

    /// <summary>One past the last offset the consumer returned for the partition, or -1 before the first record.</summary>
    public long NextOffset { get; set; } = -1;

    /// <summary>The last offset committed for the partition, so only progress is committed.</summary>
    public long LastCommitted { get; set; } = -1;
}
