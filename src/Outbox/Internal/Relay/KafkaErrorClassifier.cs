using Confluent.Kafka;

namespace Outbox.Internal.Relay;

/// <summary>
/// The one place that turns a Kafka error into a decision. Confluent's exception types say what to
/// do next (<see cref="KafkaTxnRequiresAbortException"/>, <see cref="KafkaRetriableException"/>,
/// <see cref="Error.IsFatal"/>); anything unrecognised is treated as needing a new producer, the
/// choice that can never publish twice because a new producer settles from the checkpoint first.
/// </summary>
internal static class KafkaErrorClassifier
{
    public static KafkaErrorAction Classify(Exception exception) => exception switch
    {
        KafkaException { Error.IsFatal: true } => KafkaErrorAction.Fatal,
        KafkaException { Error.Code: ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.TransactionalIdAuthorizationFailed } => KafkaErrorAction.Fatal,
        KafkaTxnRequiresAbortException => KafkaErrorAction.AbortAndRetry,
        KafkaRetriableException => KafkaErrorAction.Retry,
        ProduceException<string?, byte[]> => KafkaErrorAction.AbortAndRetry,
        KafkaException { Error.Code: ErrorCode.Local_State } => KafkaErrorAction.Fatal,
        KafkaException => KafkaErrorAction.AbortAndRetry,
        _ => KafkaErrorAction.Fatal,
    };

    /// <summary>Whether a per-record error means this record can never be published, whatever is retried.</summary>
    public static bool IsUnpublishable(Error error) => error.Code is
        ErrorCode.MsgSizeTooLarge or
        ErrorCode.RecordListTooLarge or
        ErrorCode.InvalidMsgSize or
        ErrorCode.InvalidMsg or
        ErrorCode.InvalidRecord or
        ErrorCode.TopicException;

    public static bool IsFenced(Exception exception) =>
        exception is KafkaException { Error.Code: ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.Local_Fenced };
}
