using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Internal.Dispatch;

/// <summary>
/// Records with the same key run one after another in offset order; different keys run in parallel up to
/// MaxDegreeOfParallelism. An unfinished record halts its key only. Unkeyed records share one chain.
/// </summary>
internal sealed class KeyOrderedDispatcher(SemaphoreSlim limiter, RecordProcessor process, Action<ConsumedRecord, Exception> onFault)
    : ChainDispatcher<KeyOrderedDispatcher.RecordKey>(limiter, process, onFault)
{
    protected override RecordKey ChainOf(ConsumedRecord record) => new(record.Key);

    /// <summary>A record's key; null (unkeyed) is a chain of its own.</summary>
    internal readonly record struct RecordKey(string? Value);
}
