namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// Where a transactional id's current transaction stands: Apache Kafka's coordinator states. The
/// embedded broker completes transactions synchronously, so the Prepare states are passed through
/// under one lock, but each step is still a transition <see cref="TransactionMetadata"/> checks.
/// </summary>
internal enum TransactionState
{
    /// <summary>Initialised (InitProducerId), no transaction started yet.</summary>
    Empty,

    /// <summary>Partitions or groups have been added; records and offsets may be written.</summary>
    Ongoing,

    /// <summary>EndTxn(commit) accepted; markers are being written.</summary>
    PrepareCommit,

    /// <summary>EndTxn(abort), a fence or a timeout; markers are being written.</summary>
    PrepareAbort,

    /// <summary>The last transaction committed.</summary>
    CompleteCommit,

    /// <summary>The last transaction aborted.</summary>
    CompleteAbort,

    /// <summary>The epoch is being bumped to fence the producer before its open transaction is aborted (timeout or new instance).</summary>
    PrepareEpochFence,

    /// <summary>The transactional id expired and is being forgotten.</summary>
    Dead,
}
