namespace Outbox.Messaging.Kafka;

/// <summary>What a transactional client does about a Kafka error; decided by <see cref="KafkaErrorClassifier"/> alone.</summary>
internal enum KafkaErrorAction
{
    /// <summary>Transient: repeat the same call (a bounded number of times) with the transaction left open.</summary>
    Retry,

    /// <summary>The transaction cannot commit: abort it and start its work again (the relay's batch, the pipeline's offsets).</summary>
    AbortTransaction,

    /// <summary>The producer is unusable (fatal error or fenced): dispose it and build a new one, which aborts what is open.</summary>
    RecreateProducer,
}
