using Confluent.Kafka;
using Outbox.Messaging.Kafka;

namespace Outbox.Messaging.Tests.Kafka;

public sealed class KafkaErrorClassifierTests
{
    [Theory]
    [InlineData(ErrorCode.ProducerFenced)]
    [InlineData(ErrorCode.Local_Fenced)]
    [InlineData(ErrorCode.InvalidProducerEpoch)]
    [InlineData(ErrorCode.TransactionCoordinatorFenced)]
    [InlineData(ErrorCode.UnknownProducerId)]
    [InlineData(ErrorCode.InvalidProducerIdMapping)]
    [InlineData(ErrorCode.OutOfOrderSequenceNumber)]
    [InlineData(ErrorCode.InvalidTxnState)]
    [InlineData(ErrorCode.Local_State)]
    public void Fencing_and_broken_producer_state_rebuild_the_producer(ErrorCode code)
    {
        Assert.Equal(KafkaErrorAction.RecreateProducer, KafkaErrorClassifier.Classify(new Error(code, "test", isFatal: false)));
        Assert.Equal(KafkaErrorAction.RecreateProducer, KafkaErrorClassifier.Classify(new KafkaException(new Error(code, "test", isFatal: false))));
    }

    [Theory]
    [InlineData(ErrorCode.IllegalGeneration)]
    [InlineData(ErrorCode.UnknownMemberId)]
    [InlineData(ErrorCode.FencedInstanceId)]
    [InlineData(ErrorCode.RebalanceInProgress)]
    [InlineData(ErrorCode.Local_AssignmentLost)]
    [InlineData(ErrorCode.Local_MaxPollExceeded)]
    [InlineData(ErrorCode.StaleMemberEpoch)]
    [InlineData(ErrorCode.FencedMemberEpoch)]
    public void A_lost_group_generation_aborts_the_transaction(ErrorCode code)
    {
        Assert.Equal(KafkaErrorAction.AbortTransaction, KafkaErrorClassifier.Classify(new Error(code, "test", isFatal: false)));
    }

    [Theory]
    [InlineData(ErrorCode.MsgSizeTooLarge)]
    [InlineData(ErrorCode.Local_MsgTimedOut)]
    [InlineData(ErrorCode.InvalidRecord)]
    [InlineData(ErrorCode.RecordListTooLarge)]
    [InlineData(ErrorCode.Local_Partial)]
    public void A_failed_record_of_the_transaction_aborts_the_transaction(ErrorCode code)
    {
        Assert.Equal(KafkaErrorAction.AbortTransaction, KafkaErrorClassifier.Classify(new Error(code, "test", isFatal: false)));
    }

    [Theory]
    [InlineData(ErrorCode.Local_TimedOut)]
    [InlineData(ErrorCode.Local_TimedOutQueue)]
    [InlineData(ErrorCode.RequestTimedOut)]
    [InlineData(ErrorCode.Local_Transport)]
    [InlineData(ErrorCode.NetworkException)]
    [InlineData(ErrorCode.Local_AllBrokersDown)]
    [InlineData(ErrorCode.Local_QueueFull)]
    [InlineData(ErrorCode.Local_Retry)]
    [InlineData(ErrorCode.Local_WaitCoord)]
    [InlineData(ErrorCode.Local_InProgress)]
    [InlineData(ErrorCode.Local_PrevInProgress)]
    [InlineData(ErrorCode.ConcurrentTransactions)]
    [InlineData(ErrorCode.GroupCoordinatorNotAvailable)]
    [InlineData(ErrorCode.NotCoordinatorForGroup)]
    [InlineData(ErrorCode.GroupLoadInProgress)]
    [InlineData(ErrorCode.LeaderNotAvailable)]
    [InlineData(ErrorCode.NotLeaderForPartition)]
    [InlineData(ErrorCode.BrokerNotAvailable)]
    [InlineData(ErrorCode.NotEnoughReplicas)]
    [InlineData(ErrorCode.NotEnoughReplicasAfterAppend)]
    [InlineData(ErrorCode.UnknownTopicOrPart)]
    [InlineData(ErrorCode.UnstableOffsetCommit)]
    [InlineData(ErrorCode.ThrottlingQuotaExceeded)]
    [InlineData(ErrorCode.KafkaStorageError)]
    public void Transient_conditions_are_retried(ErrorCode code)
    {
        Assert.Equal(KafkaErrorAction.Retry, KafkaErrorClassifier.Classify(new Error(code, "test", isFatal: false)));
    }

    [Theory]
    [InlineData(ErrorCode.Unknown)]
    [InlineData(ErrorCode.InvalidRequest)]
    [InlineData(ErrorCode.TopicAuthorizationFailed)]
    [InlineData(ErrorCode.Local_Fail)]
    public void Errors_not_known_to_be_transient_abort_the_transaction_rather_than_repeat(ErrorCode code)
    {
        Assert.Equal(KafkaErrorAction.AbortTransaction, KafkaErrorClassifier.Classify(new Error(code, "test", isFatal: false)));
    }

    [Theory]
    [InlineData(ErrorCode.Local_TimedOut)]
    [InlineData(ErrorCode.IllegalGeneration)]
    [InlineData(ErrorCode.Unknown)]
    [InlineData(ErrorCode.Local_Fatal)]
    public void A_fatal_error_rebuilds_the_producer_whatever_its_code(ErrorCode code)
    {
        var error = new Error(code, "test", isFatal: true);
        Assert.Equal(KafkaErrorAction.RecreateProducer, KafkaErrorClassifier.Classify(error));
        Assert.Equal(KafkaErrorAction.RecreateProducer, KafkaErrorClassifier.Classify(new KafkaException(error)));
        Assert.Equal(KafkaErrorAction.RecreateProducer, KafkaErrorClassifier.Classify(new KafkaTxnRequiresAbortException(error)));
        Assert.Equal(KafkaErrorAction.RecreateProducer, KafkaErrorClassifier.Classify(new KafkaRetriableException(error)));
    }

    [Fact]
    public void TxnRequiresAbort_aborts_the_transaction_even_for_a_code_that_alone_would_be_retried()
    {
        var exception = new KafkaTxnRequiresAbortException(new Error(ErrorCode.Local_TimedOut, "test", isFatal: false));
        Assert.Equal(KafkaErrorAction.AbortTransaction, KafkaErrorClassifier.Classify(exception));
    }

    [Fact]
    public void A_retriable_exception_is_retried_even_for_a_code_that_alone_would_abort()
    {
        var exception = new KafkaRetriableException(new Error(ErrorCode.Unknown, "test", isFatal: false));
        Assert.Equal(KafkaErrorAction.Retry, KafkaErrorClassifier.Classify(exception));
    }

    [Fact]
    public void Consumer_and_produce_exceptions_are_classified_by_their_error()
    {
        var consume = new ConsumeException(new ConsumeResult<byte[], byte[]>(), new Error(ErrorCode.IllegalGeneration, "test", isFatal: false));
        var produce = new ProduceException<byte[], byte[]>(new Error(ErrorCode.ProducerFenced, "test", isFatal: false), new DeliveryResult<byte[], byte[]>());
        Assert.Equal(KafkaErrorAction.AbortTransaction, KafkaErrorClassifier.Classify(consume));
        Assert.Equal(KafkaErrorAction.RecreateProducer, KafkaErrorClassifier.Classify(produce));
    }

    [Fact]
    public void Every_error_code_gets_an_action()
    {
        // Local_Fatal exists only as a fatal error; librdkafka refuses to build it otherwise.
        foreach (var code in Enum.GetValues<ErrorCode>().Where(c => c != ErrorCode.Local_Fatal))
        {
            Assert.True(Enum.IsDefined(KafkaErrorClassifier.Classify(new Error(code, "test", isFatal: false))));
        }
    }

    [Fact]
    public void Anything_but_a_Kafka_error_rebuilds_the_producer()
    {
        Assert.Equal(KafkaErrorAction.RecreateProducer, KafkaErrorClassifier.Classify(new InvalidOperationException()));
    }

    [Theory]
    [InlineData(ErrorCode.MsgSizeTooLarge, true)]
    [InlineData(ErrorCode.InvalidRecord, true)]
    [InlineData(ErrorCode.Local_TimedOut, false)]
    [InlineData(ErrorCode.NotEnoughReplicas, false)]
    public void Only_errors_about_the_record_itself_make_it_unpublishable(ErrorCode code, bool unpublishable)
    {
        Assert.Equal(unpublishable, KafkaErrorClassifier.IsUnpublishable(new Error(code)));
    }

    [Theory]
    [InlineData(ErrorCode.ProducerFenced, true)]
    [InlineData(ErrorCode.InvalidProducerEpoch, true)]
    [InlineData(ErrorCode.Local_Fenced, true)]
    [InlineData(ErrorCode.Local_TimedOut, false)]
    public void Fencing_is_recognised(ErrorCode code, bool fenced)
    {
        Assert.Equal(fenced, KafkaErrorClassifier.IsFenced(new KafkaException(new Error(code))));
    }
}
