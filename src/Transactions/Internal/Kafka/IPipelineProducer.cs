using Confluent.Kafka;
using Outbox.Transactions.Internal.Processing;

namespace Outbox.Transactions.Internal.Kafka;

/// <summary>The transactional producer as the pipeline loop sees it; <see cref="PipelineProducer"/> in production.</summary>
internal interface IPipelineProducer : IAsyncDisposable
{
    /// <summary>Whether a transaction is open (begun and neither committed nor aborted).</summary>
    bool InTransaction { get; }

    /// <summary>Creates the producer and registers its transactional id, which aborts whatever a predecessor left open.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task BeginAsync(CancellationToken cancellationToken);

    ValueTask ProduceAsync(OutputRecord record, CancellationToken cancellationToken);

    /// <summary>Adds the consumed offsets to the transaction (KIP-447: fenced by the group generation) and commits it.</summary>
    Task CommitAsync(IReadOnlyList<TopicPartitionOffset> offsets, IConsumerGroupMetadata? groupMetadata, CancellationToken cancellationToken);

    Task AbortAsync(CancellationToken cancellationToken);

    /// <summary>Aborts the open transaction, if any, blocking until done: called from the rebalance callback on the consumer's thread.</summary>
    void AbortBeforeRevocation();

    /// <summary>Disposes the producer and builds a new one, after a fatal error or fencing.</summary>
    Task RecreateAsync(CancellationToken cancellationToken);
}
