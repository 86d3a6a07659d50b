using Confluent.Kafka;

namespace Outbox.Messaging.Kafka;

/// <summary>
/// The one place that turns a Kafka error into what to do next. librdkafka already says much of it
/// through the exception type (<see cref="KafkaTxnRequiresAbortException"/>, <see cref="KafkaRetriableException"/>)
/// and <see cref="Error.IsFatal"/>; the error codes cover what arrives as a plain <see cref="KafkaException"/>
/// (delivery reports, consumer errors, older code paths).
/// </summary>
internal static class KafkaErrorClassifier
{
    /// <summary>
    /// Classifies an exception thrown by a producer or consumer call. Anything that is not a Kafka error is
    /// taken as needing a new producer: the one choice that never commits a transaction in an unknown state.
    /// </summary>
    public static KafkaErrorAction Classify(Exception exception) => exception switch
    {
        KafkaException kafka => Classify(kafka),
        null => throw new ArgumentNullException(nameof(exception)),
        _ => KafkaErrorAction.RecreateProducer,
    };

    /// <summary>Classifies an exception thrown by a producer or consumer call.</summary>
    public static KafkaErrorAction Classify(KafkaException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);

        // Fatal beats everything: after a fatal error librdkafka refuses every further transactional call,
        // so neither retrying nor aborting can succeed, even when the exception type suggests otherwise.
        if (exception.Error.IsFatal)
        {
            return KafkaErrorAction.RecreateProducer;
        }

        return exception switch
        {
            KafkaTxnRequiresAbortException => KafkaErrorAction.AbortTransaction,
            KafkaRetriableException => KafkaErrorAction.Retry,
            _ => Classify(exception.Error),
        };
    }

    /// <summary>Classifies an error, for example from a delivery report or a consumer error event.</summary>
    public static KafkaErrorAction Classify(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.IsFatal)
        {
            return KafkaErrorAction.RecreateProducer;
        }

        return error.Code switch
        {
            // Another producer with our transactional.id, or a newer epoch of ours, owns the transaction:
            // this producer can never commit again. A new one re-registers (InitTransactions) and fences the rest.
            ErrorCode.ProducerFenced or ErrorCode.Local_Fenced or ErrorCode.InvalidProducerEpoch
                or ErrorCode.TransactionCoordinatorFenced or ErrorCode.UnknownProducerId
                or ErrorCode.InvalidProducerIdMapping or ErrorCode.OutOfOrderSequenceNumber
                or ErrorCode.InvalidTxnState or ErrorCode.Local_State
                or ErrorCode.TransactionalIdAuthorizationFailed => KafkaErrorAction.RecreateProducer,

            // The consumer lost its group membership or generation (KIP-447 fencing of zombies by the group):
            // the offsets cannot be committed in this transaction, and after rejoining the partitions may be
            // someone else's. Abort, and start again from whatever is committed.
            ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId or ErrorCode.FencedInstanceId
                or ErrorCode.RebalanceInProgress or ErrorCode.Local_AssignmentLost or ErrorCode.Local_MaxPollExceeded
                or ErrorCode.StaleMemberEpoch or ErrorCode.FencedMemberEpoch => KafkaErrorAction.AbortTransaction,

            // A record of the transaction failed (too large, rejected, timed out in the queue): the
            // transaction is unusable but the producer is fine.
            ErrorCode.MsgSizeTooLarge or ErrorCode.Local_MsgTimedOut or ErrorCode.InvalidRecord
                or ErrorCode.RecordListTooLarge or ErrorCode.Local_Partial => KafkaErrorAction.AbortTransaction,

            // Transient conditions of the network, the coordinators or leadership: the same call can succeed later.
            ErrorCode.Local_TimedOut or ErrorCode.Local_TimedOutQueue or ErrorCode.RequestTimedOut
                or ErrorCode.Local_Transport or ErrorCode.NetworkException or ErrorCode.Local_AllBrokersDown
                or ErrorCode.Local_QueueFull or ErrorCode.Local_Retry or ErrorCode.Local_WaitCoord
                or ErrorCode.Local_InProgress or ErrorCode.Local_PrevInProgress
                or ErrorCode.ConcurrentTransactions or ErrorCode.GroupCoordinatorNotAvailable
                or ErrorCode.NotCoordinatorForGroup or ErrorCode.GroupLoadInProgress
                or ErrorCode.LeaderNotAvailable or ErrorCode.NotLeaderForPartition or ErrorCode.BrokerNotAvailable
                or ErrorCode.NotEnoughReplicas or ErrorCode.NotEnoughReplicasAfterAppend
                or ErrorCode.UnknownTopicOrPart or ErrorCode.UnstableOffsetCommit
                or ErrorCode.ThrottlingQuotaExceeded or ErrorCode.KafkaStorageError => KafkaErrorAction.Retry,

            // Anything else is not known to be transient: retrying the same call would repeat the failure,
            // so give the transaction up and reprocess from the committed offsets.
            _ => KafkaErrorAction.AbortTransaction,
        };
    }

    /// <summary>Whether a per-record error means this record can never be published, whatever is retried.</summary>
    public static bool IsUnpublishable(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code is ErrorCode.MsgSizeTooLarge or ErrorCode.RecordListTooLarge or ErrorCode.InvalidMsgSize
            or ErrorCode.InvalidMsg or ErrorCode.InvalidRecord or ErrorCode.TopicException;
    }

    /// <summary>Whether the exception says another producer with the same transactional id took over.</summary>
    public static bool IsFenced(Exception exception) =>
        exception is KafkaException { Error.Code: ErrorCode.ProducerFenced or ErrorCode.InvalidProducerEpoch or ErrorCode.Local_Fenced };
}
