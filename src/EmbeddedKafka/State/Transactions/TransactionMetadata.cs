namespace Outbox.EmbeddedKafka.State;

/// <summary>
/// One transactional id: the producer id and epoch it holds, its timeout, and the transaction it is
/// running (state, partitions, groups, start time). Changed only by <see cref="TransactionCoordinator"/>
/// under <see cref="Cluster.Sync"/>.
/// </summary>
internal sealed class TransactionMetadata
{
    // Kafka rotates to a new producer id once the epoch cannot be bumped again (epoch exhaustion).
    private const short LastUsableEpoch = short.MaxValue - 1;

    private readonly HashSet<(string Topic, int Partition)> _partitions = [];
    private readonly HashSet<string> _groups = new(StringComparer.Ordinal);

    public TransactionMetadata(string transactionalId, long producerId, int timeoutMs, long nowMs, short epoch = 0)
    {
        TransactionalId = transactionalId;
        ProducerId = producerId;
        Epoch = epoch;
        TimeoutMs = timeoutMs;
        LastUpdateMs = nowMs;
    }

    public string TransactionalId { get; }

    public long ProducerId { get; private set; }

    public short Epoch { get; private set; }

    /// <summary>The producer id and epoch handed out before the last InitProducerId, to recognise its retry.</summary>
    public (long ProducerId, short Epoch) Previous { get; set; } = (-1, -1);

    public int TimeoutMs { get; set; }

    public TransactionState State { get; private set; } = TransactionState.Empty;

    /// <summary>When the open transaction started (its first AddPartitionsToTxn or AddOffsetsToTxn), or -1.</summary>
    public long StartTimeMs { get; private set; } = -1;

    public long LastUpdateMs { get; private set; }

    public IReadOnlyCollection<(string Topic, int Partition)> Partitions => _partitions;

    public IReadOnlyCollection<string> Groups => _groups;

    public bool IsOpen => State is TransactionState.Ongoing or TransactionState.PrepareCommit or TransactionState.PrepareAbort or TransactionState.PrepareEpochFence;

    public void AddPartition(string topic, int partition) => _partitions.Add((topic, partition));

    public void AddGroup(string group) => _groups.Add(group);

    public bool HasPartition(string topic, int partition) => _partitions.Contains((topic, partition));

    public bool HasGroup(string group) => _groups.Contains(group);

    /// <summary>Moves to <paramref name="next"/>; an illegal transition is a broker bug, not a client error.</summary>
    public void TransitionTo(TransactionState next, long nowMs)
    {
        if (!IsAllowed(State, next))
        {
            throw new InvalidOperationException($"Transactional id {TransactionalId}: illegal transition {State} -> {next}.");
        }

        if (next == TransactionState.Ongoing && State != TransactionState.Ongoing)
        {
            StartTimeMs = nowMs;
        }
        else if (next is TransactionState.CompleteCommit or TransactionState.CompleteAbort)
        {
            // The markers are written and the offsets settled: the transaction owns nothing any more.
            _partitions.Clear();
            _groups.Clear();
            StartTimeMs = -1;
        }

        State = next;
        LastUpdateMs = nowMs;
    }

    /// <summary>
    /// The next epoch for a new producer instance; when the epoch is exhausted, a new producer id at
    /// epoch 0 from <paramref name="newProducerId"/>.
    /// </summary>
    public void BumpEpoch(Func<long> newProducerId)
    {
        if (Epoch >= LastUsableEpoch)
        {
            ProducerId = newProducerId();
            Epoch = 0;
        }
        else
        {
            Epoch++;
        }
    }

    /// <summary>Raises the epoch so requests of the current instance fail; the id is kept, its markers carry the new epoch.</summary>
    public void FenceEpoch()
    {
        if (Epoch < short.MaxValue)
        {
            Epoch++;
        }
    }

    /// <summary>Whether the epoch is past what a new instance may be given, so the next bump rotates the producer id.</summary>
    public bool EpochExhausted => Epoch >= LastUsableEpoch;

    private static bool IsAllowed(TransactionState from, TransactionState to) => to switch
    {
        TransactionState.Empty => from is TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort,
        TransactionState.Ongoing => from is TransactionState.Ongoing or TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort,
        TransactionState.PrepareCommit => from is TransactionState.Ongoing,
        TransactionState.PrepareAbort => from is TransactionState.Ongoing or TransactionState.PrepareEpochFence,
        TransactionState.CompleteCommit => from is TransactionState.PrepareCommit,
        TransactionState.CompleteAbort => from is TransactionState.PrepareAbort,
        TransactionState.PrepareEpochFence => from is TransactionState.Ongoing,
        TransactionState.Dead => from is TransactionState.Empty or TransactionState.CompleteCommit or TransactionState.CompleteAbort,
        _ => false,
    };
}
