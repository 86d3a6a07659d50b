using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State;

/// <summary>Producer ids, and (for transactional producers) the transactions they run.</summary>
internal sealed class TransactionCoordinator(Cluster cluster)
{
    /// <summary>A fresh producer id for an idempotent producer without a transactional id.</summary>
    public (long ProducerId, short Epoch) NewIdempotentProducer() => (cluster.NextProducerId(), 0);

    /// <summary>Checks a produced batch against the producer's transaction; called under <see cref="Cluster.Sync"/>.</summary>
    public ErrorCode ValidateProduce(string transactionalId, in RecordBatchHeader batch, string topic, int partition) => ErrorCode.InvalidTxnState;
}
