namespace Outbox.Transactions.Internal;

/// <summary>What the pipeline does about a Kafka error; decided by <see cref="KafkaErrorClassifier"/> alone.</summary>
internal enum KafkaErrorAction
{
    /// <summary>Transient: repeat the same call (a bounded number of times) with the transaction left open.</summary>
    Retry,

    /// <summary>The transaction cannot commit: abort it and rewind the consumer to the last committed offsets.</summary>
    AbortAndRewind,

    /// <summary>The producer is unusable (fatal error or fenced): dispose it, build a new one and rewind.</summary>
    RecreateProducer,
}
