using Outbox.Messaging;

namespace Outbox.Transactions;

/// <summary>
/// Settings of one transactional pipeline, validated at start-up. Each running instance consumes its
/// share of <see cref="Topics"/>' partitions as a member of <see cref="GroupId"/> and commits its outputs
/// and offsets in one transaction per batch.
/// </summary>
public sealed class TransactionalPipelineOptions
{
    /// <summary>Where Kafka is; producer and consumer settings can be overridden through its <see cref="KafkaClientOptions.Properties"/>.</summary>
    public KafkaClientOptions Kafka { get; } = new();

    /// <summary>The input topics. At least one is required.</summary>
    public IList<string> Topics { get; } = new List<string>();

    /// <summary>The consumer group the instances share; defaults to the pipeline name.</summary>
    public string? GroupId { get; set; }

    /// <summary>
    /// Names this instance within the group and makes its <c>transactional.id</c>
    /// (<c>{GroupId}-{InstanceId}</c>); defaults to the machine name. Keep it stable across restarts, so a
    /// restarted instance aborts what its crashed predecessor left open at once, instead of waiting for the
    /// transaction timeout; and never run two live instances with the same id: each would fence the other.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>Where inputs that cannot be handled go; defaults to <c>{GroupId}.dlt</c>.</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>The <c>ce_source</c> of output messages; defaults to <c>/{pipeline name}</c>.</summary>
    public string? Source { get; set; }

    /// <summary>
    /// The longest a transaction stays open collecting records before it commits. Longer intervals
    /// amortise the commit cost; outputs become visible to read_committed readers only on commit. Default 100 ms.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The most input records per transaction. Default 500.</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How many times a handler is called for one input before the input is dead-lettered. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The pause between handler attempts; it counts against the open transaction's timeout. Default 100 ms.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The transaction timeout (<c>transaction.timeout.ms</c>): the coordinator aborts a transaction left
    /// open longer, for example by a hung instance. Default 60 s.
    /// </summary>
    public TimeSpan TransactionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest one blocking transactional call (init, send offsets, commit, abort) may take. Default 30 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
