using Outbox.EmbeddedKafka.Protocol;

namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// Producer ids, and the transactions of transactional producers (KIP-98, KIP-360, KIP-447): one
/// <see cref="TransactionMetadata"/> per transactional id. Transactions complete synchronously: ending
/// one writes every marker and settles the staged group offsets before the request is answered.
/// Everything runs under <see cref="Cluster.Sync"/>. A stale epoch is reported as PRODUCER_FENCED;
/// APIs whose request version predates that code answer INVALID_PRODUCER_EPOCH, as Apache Kafka does.
/// </summary>
internal sealed class TransactionCoordinator(Cluster cluster)
{
    // transactional.id.expiration.ms, Apache Kafka's default.
    private static readonly long ExpirationMs = (long)TimeSpan.FromDays(7).TotalMilliseconds;

    private readonly Dictionary<string, TransactionMetadata> _byTransactionalId = new(StringComparer.Ordinal);
    private readonly Dictionary<long, TransactionMetadata> _byProducerId = [];

    /// <summary>
    /// Raised under <see cref="Cluster.Sync"/> after a transactional id is created or changes state or
    /// epoch, before the change has effects elsewhere (markers, offsets); persistence journals it.
    /// </summary>
    public event Action<TransactionMetadata>? Changed;

    /// <summary>A fresh producer id for an idempotent producer without a transactional id.</summary>
    public (long ProducerId, short Epoch) NewIdempotentProducer() => (cluster.NextProducerId(), 0);

    /// <summary>The transactional id's state, or null; for inspection under <see cref="Cluster.Sync"/>.</summary>
    public TransactionMetadata? Find(string transactionalId) => _byTransactionalId.GetValueOrDefault(transactionalId);

    /// <summary>
    /// InitProducerId with a transactional id: the first call gets a new producer id at epoch 0, later
    /// ones the same id at the next epoch, which fences the previous instance and aborts its open
    /// transaction. <paramref name="producerId"/>/<paramref name="epoch"/> (v3+, -1 if absent) must name
    /// the current instance (KIP-360 epoch bump), unless the transactional id is unknown.
    /// </summary>
    public ErrorCode InitProducerId(string transactionalId, int timeoutMs, long producerId, short epoch, out long newProducerId, out short newEpoch)
    {
        newProducerId = -1;
        newEpoch = -1;
        if (timeoutMs <= 0 || timeoutMs > cluster.Options.MaxTransactionTimeout.TotalMilliseconds)
        {
            return ErrorCode.InvalidTransactionTimeout;
        }

        var expected = producerId >= 0 || epoch >= 0 ? (producerId, epoch) : ((long, short)?)null;
        lock (cluster.Sync)
        {
            var now = cluster.NowMs;
            if (!_byTransactionalId.TryGetValue(transactionalId, out var txn))
            {
                // Also for a bump naming a producer id: the id expired (or the broker restarted without it) and
                // the producer is recovering from INVALID_PRODUCER_ID_MAPPING, so it gets a fresh one, as in Kafka.
                txn = new TransactionMetadata(transactionalId, cluster.NextProducerId(), timeoutMs, now);
                _byTransactionalId[transactionalId] = txn;
                _byProducerId[txn.ProducerId] = txn;
                Changed?.Invoke(txn);
                Log.ProducerInitialized(cluster.Logger, transactionalId, txn.ProducerId, txn.Epoch);
                (newProducerId, newEpoch) = (txn.ProducerId, txn.Epoch);
                return ErrorCode.None;
            }

            if (expected is { } current)
            {
                if (current == txn.Previous && txn.State == TransactionState.Empty)
                {
                    // A retry of the bump that produced the current epoch: answer it again.
                    (newProducerId, newEpoch) = (txn.ProducerId, txn.Epoch);
                    return ErrorCode.None;
                }

                if (current != (txn.ProducerId, txn.Epoch))
                {
                    return ErrorCode.ProducerFenced;
                }
            }

            if (txn.State is TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence)
            {
                return ErrorCode.ConcurrentTransactions;
            }

            var before = (txn.ProducerId, txn.Epoch);
            var fenced = false;
            if (txn.State == TransactionState.Ongoing)
            {
                // Apache Kafka answers CONCURRENT_TRANSACTIONS and aborts in the background; aborting inline
                // gives the client the same outcome without the retry.
                FenceAndAbort(txn, now);
                Log.OpenTransactionAbortedByNewInstance(cluster.Logger, transactionalId, txn.ProducerId, txn.Epoch);
                fenced = true;
            }

            if (!fenced || txn.EpochExhausted)
            {
                _byProducerId.Remove(txn.ProducerId);
                txn.BumpEpoch(cluster.NextProducerId);
                _byProducerId[txn.ProducerId] = txn;
            }

            // Only a KIP-360 bump may be retried with the old epoch; a new instance must not let the old one back in.
            txn.Previous = expected is null ? (-1, -1) : before;
            txn.TimeoutMs = timeoutMs;
            Transition(txn, TransactionState.Empty, now);
            Log.ProducerInitialized(cluster.Logger, transactionalId, txn.ProducerId, txn.Epoch);
            (newProducerId, newEpoch) = (txn.ProducerId, txn.Epoch);
            return ErrorCode.None;
        }
    }

    /// <summary>
    /// AddPartitionsToTxn: one error per requested partition. If any partition is unknown none is added:
    /// the unknown ones get UNKNOWN_TOPIC_OR_PARTITION, the others OPERATION_NOT_ATTEMPTED.
    /// </summary>
    public ErrorCode[] AddPartitions(string transactionalId, long producerId, short epoch, IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        var errors = new ErrorCode[partitions.Count];
        lock (cluster.Sync)
        {
            var error = CheckCanAdd(transactionalId, producerId, epoch, out var txn);
            if (error == ErrorCode.None && partitions.Any(p => cluster.FindPartition(p.Topic, p.Partition) is null))
            {
                for (var i = 0; i < partitions.Count; i++)
                {
                    errors[i] = cluster.FindPartition(partitions[i].Topic, partitions[i].Partition) is null
                        ? ErrorCode.UnknownTopicOrPartition
                        : ErrorCode.OperationNotAttempted;
                }

                return errors;
            }

            Array.Fill(errors, error);
            if (error == ErrorCode.None)
            {
                foreach (var (topic, partition) in partitions)
                {
                    txn!.AddPartition(topic, partition);
                }

                Transition(txn!, TransactionState.Ongoing, cluster.NowMs);
            }

            return errors;
        }
    }

    /// <summary>AddOffsetsToTxn: lets the transaction commit offsets of <paramref name="group"/> (TxnOffsetCommit).</summary>
    public ErrorCode AddOffsets(string transactionalId, long producerId, short epoch, string group)
    {
        if (string.IsNullOrEmpty(group))
        {
            return ErrorCode.InvalidGroupId;
        }

        lock (cluster.Sync)
        {
            var error = CheckCanAdd(transactionalId, producerId, epoch, out var txn);
            if (error == ErrorCode.None)
            {
                txn!.AddGroup(group);
                Transition(txn, TransactionState.Ongoing, cluster.NowMs);
            }

            return error;
        }
    }

    /// <summary>
    /// TxnOffsetCommit: stages offsets for <paramref name="group"/> until the transaction ends; one error
    /// per offset. The group must have been added with AddOffsetsToTxn; a generation or member id is
    /// checked against the live group (KIP-447).
    /// </summary>
    public ErrorCode[] CommitOffsets(string transactionalId, long producerId, short epoch, string group, int generationId, string memberId,
        string? groupInstanceId, IReadOnlyList<(string Topic, int Partition, CommittedOffset Offset)> offsets)
    {
        var errors = new ErrorCode[offsets.Count];
        lock (cluster.Sync)
        {
            var error = CheckProducer(transactionalId, producerId, epoch, out var txn);
            if (error == ErrorCode.None && !(txn!.State == TransactionState.Ongoing && txn.HasGroup(group)))
            {
                error = ErrorCode.InvalidTxnState;
            }

            if (error == ErrorCode.None)
            {
                error = cluster.Groups.ValidateTransactionalCommit(group, generationId, memberId, groupInstanceId);
            }

            for (var i = 0; i < offsets.Count; i++)
            {
                var (topic, partition, offset) = offsets[i];
                errors[i] = error != ErrorCode.None ? error
                    : cluster.FindPartition(topic, partition) is null ? ErrorCode.UnknownTopicOrPartition
                    : ErrorCode.None;
                if (errors[i] == ErrorCode.None)
                {
                    cluster.Groups.StageTransactionalOffset(group, producerId, topic, partition, offset);
                }
            }

            return errors;
        }
    }

    /// <summary>
    /// EndTxn: writes a COMMIT or ABORT marker to every partition of the transaction and commits or drops
    /// its staged offsets. Retrying the outcome the last transaction already had succeeds.
    /// </summary>
    public ErrorCode EndTransaction(string transactionalId, long producerId, short epoch, bool commit)
    {
        lock (cluster.Sync)
        {
            var error = CheckProducer(transactionalId, producerId, epoch, out var txn);
            if (error != ErrorCode.None)
            {
                return error;
            }

            switch (txn!.State)
            {
                case TransactionState.Ongoing:
                    var now = cluster.NowMs;
                    Transition(txn, commit ? TransactionState.PrepareCommit : TransactionState.PrepareAbort, now);
                    WriteMarkers(txn, commit, now);
                    Transition(txn, commit ? TransactionState.CompleteCommit : TransactionState.CompleteAbort, now);
                    Log.TransactionEnded(cluster.Logger, transactionalId, txn.ProducerId, txn.Epoch, commit ? "committed" : "aborted");
                    return ErrorCode.None;
                case TransactionState.CompleteCommit:
                    return commit ? ErrorCode.None : ErrorCode.InvalidTxnState;
                case TransactionState.CompleteAbort:
                    return commit ? ErrorCode.InvalidTxnState : ErrorCode.None;
                case TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence:
                    return ErrorCode.ConcurrentTransactions;
                default:
                    return ErrorCode.InvalidTxnState;
            }
        }
    }

    /// <summary>
    /// Checks a produced batch with a producer id; called under <see cref="Cluster.Sync"/>. A transactional
    /// batch must come from the transactional id's current producer id and epoch and go to a partition of
    /// its open transaction; an idempotent batch must not come from a producer with an open transaction.
    /// </summary>
    public ErrorCode ValidateProduce(string? transactionalId, in RecordBatchHeader batch, string topic, int partition)
    {
        if (!batch.IsTransactional)
        {
            return _byProducerId.TryGetValue(batch.ProducerId, out var owner) && owner.IsOpen ? ErrorCode.InvalidTxnState : ErrorCode.None;
        }

        var error = CheckProducer(transactionalId ?? "", batch.ProducerId, batch.ProducerEpoch, out var txn);
        if (error == ErrorCode.ProducerFenced)
        {
            return ErrorCode.InvalidProducerEpoch;
        }

        if (error != ErrorCode.None)
        {
            return error;
        }

        return txn!.State == TransactionState.Ongoing && txn.HasPartition(topic, partition) ? ErrorCode.None : ErrorCode.InvalidTxnState;
    }

    /// <summary>
    /// Aborts transactions open longer than their timeout and fences their producer (the next request
    /// with the old epoch fails), and forgets transactional ids unused for longer than the expiration.
    /// </summary>
    public void Tick(long nowMs)
    {
        lock (cluster.Sync)
        {
            List<TransactionMetadata>? expired = null;
            foreach (var txn in _byTransactionalId.Values)
            {
                if (txn.State == TransactionState.Ongoing && nowMs - txn.StartTimeMs > txn.TimeoutMs)
                {
                    FenceAndAbort(txn, nowMs);
                    Log.TransactionTimedOut(cluster.Logger, txn.TransactionalId, txn.ProducerId, txn.TimeoutMs, txn.Epoch);
                }
                else if (!txn.IsOpen && nowMs - txn.LastUpdateMs > ExpirationMs)
                {
                    (expired ??= []).Add(txn);
                }
            }

            foreach (var txn in expired ?? [])
            {
                Transition(txn, TransactionState.Dead, nowMs);
                _byTransactionalId.Remove(txn.TransactionalId);
                _byProducerId.Remove(txn.ProducerId);
                Log.TransactionalIdExpired(cluster.Logger, txn.TransactionalId);
            }
        }
    }

    /// <summary>
    /// Re-creates a transactional id read back from the data directory, before clients connect. A
    /// transaction the broker stopped in the middle of is ended as Apache Kafka's coordinator ends it
    /// after reloading: one being committed is committed on <paramref name="openPartitions"/> (those
    /// still waiting for its marker); any other is aborted there and its producer fenced, as after a
    /// timeout. Offsets it staged were never persisted and are dropped.
    /// </summary>
    public void Restore(string transactionalId, long producerId, short epoch, int timeoutMs, TransactionState state, IEnumerable<(string Topic, int Partition)> openPartitions)
    {
        var now = cluster.NowMs;
        var txn = new TransactionMetadata(transactionalId, producerId, timeoutMs, now, epoch);
        _byTransactionalId[transactionalId] = txn;
        _byProducerId[producerId] = txn;
        if (state == TransactionState.Empty)
        {
            return;
        }

        // Settled outcomes are replayed as an empty transaction, so a retried EndTxn is answered as before.
        foreach (var (topic, partition) in openPartitions)
        {
            txn.AddPartition(topic, partition);
        }

        Transition(txn, TransactionState.Ongoing, now);
        if (state is TransactionState.PrepareCommit or TransactionState.CompleteCommit)
        {
            Transition(txn, TransactionState.PrepareCommit, now);
            WriteMarkers(txn, commit: true, now);
            Transition(txn, TransactionState.CompleteCommit, now);
        }
        else if (state == TransactionState.CompleteAbort)
        {
            Transition(txn, TransactionState.PrepareAbort, now);
            WriteMarkers(txn, commit: false, now);
            Transition(txn, TransactionState.CompleteAbort, now);
        }
        else
        {
            FenceAndAbort(txn, now);
            Log.OpenTransactionAbortedAtRestart(cluster.Logger, transactionalId, txn.ProducerId, txn.Epoch);
        }
    }

    private void Transition(TransactionMetadata txn, TransactionState next, long nowMs)
    {
        txn.TransitionTo(next, nowMs);
        Changed?.Invoke(txn);
    }

    private ErrorCode CheckProducer(string transactionalId, long producerId, short epoch, out TransactionMetadata? txn)
    {
        if (!_byTransactionalId.TryGetValue(transactionalId, out txn) || txn.ProducerId != producerId)
        {
            return ErrorCode.InvalidProducerIdMapping;
        }

        return txn.Epoch == epoch ? ErrorCode.None : ErrorCode.ProducerFenced;
    }

    private ErrorCode CheckCanAdd(string transactionalId, long producerId, short epoch, out TransactionMetadata? txn)
    {
        var error = CheckProducer(transactionalId, producerId, epoch, out txn);
        return error != ErrorCode.None ? error : txn!.State switch
        {
            TransactionState.Empty or TransactionState.Ongoing or TransactionState.CompleteCommit or TransactionState.CompleteAbort => ErrorCode.None,
            TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence => ErrorCode.ConcurrentTransactions,
            _ => ErrorCode.InvalidTxnState,
        };
    }

    private void FenceAndAbort(TransactionMetadata txn, long nowMs)
    {
        Transition(txn, TransactionState.PrepareEpochFence, nowMs);
        txn.FenceEpoch();
        Transition(txn, TransactionState.PrepareAbort, nowMs);
        WriteMarkers(txn, commit: false, nowMs);
        Transition(txn, TransactionState.CompleteAbort, nowMs);
    }

    private void WriteMarkers(TransactionMetadata txn, bool commit, long nowMs)
    {
        foreach (var (topic, partition) in txn.Partitions)
        {
            // A topic deleted during the transaction has nothing left to mark.
            cluster.FindPartition(topic, partition)?.EndTransaction(txn.ProducerId, txn.Epoch, commit, nowMs);
        }

        foreach (var group in txn.Groups)
        {
            cluster.Groups.CompleteTransactionalOffsets(group, txn.ProducerId, commit);
        }
    }
}
