using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Internal.Dispatch;

/// <summary>
/// Strict FIFO per partition: every record of the partition is in one chain, so one record runs at a time,
/// in offset order, whatever its key, and an unfinished record stops the partition. It still takes a slot
/// of the consume loop's shared limiter so a host's total parallelism stays bounded.
/// </summary>
internal sealed class PartitionOrderedDispatcher(SemaphoreSlim limiter, RecordProcessor process, Action<ConsumedRecord, Exception> onFault)
    : ChainDispatcher<PartitionOrderedDispatcher.WholePartition>(limiter, process, onFault)
{
    protected override WholePartition ChainOf(ConsumedRecord record) => default;

    /// <summary>The one chain of the partition.</summary>
    internal readonly record struct WholePartition;
}
