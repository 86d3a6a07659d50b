namespace Outbox.Internal.Relay;

/// <summary>What to do after a Kafka error in a transactional publish.</summary>
internal enum KafkaErrorAction
{
    /// <summary>Repeat the same call; the transaction is still good.</summary>
    Retry,

    /// <summary>Abort the transaction and publish the batch again in a new one.</summary>
    AbortAndRetry,

    /// <summary>The producer is unusable (fenced, or fatal error): dispose it and create a new one.</summary>
    Fatal,
}
