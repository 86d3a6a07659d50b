using Confluent.Kafka;
using Outbox.Internal.Relay;

namespace Outbox.Tests.Relay;

public sealed class KafkaErrorClassifierTests
{
    [Fact]
    public void A_fenced_or_fatal_producer_is_recreated()
    {
        Assert.Equal(KafkaErrorAction.Fatal, KafkaErrorClassifier.Classify(new KafkaException(new Error(ErrorCode.ProducerFenced))));
        Assert.Equal(KafkaErrorAction.Fatal, KafkaErrorClassifier.Classify(new KafkaException(new Error(ErrorCode.Local_Fatal, "fatal", isFatal: true))));
        Assert.Equal(KafkaErrorAction.Fatal, KafkaErrorClassifier.Classify(new InvalidOperationException()));
    }

    [Fact]
    public void A_transaction_that_requires_abort_is_aborted_and_retried()
    {
        Assert.Equal(KafkaErrorAction.AbortAndRetry, KafkaErrorClassifier.Classify(new KafkaTxnRequiresAbortException(new Error(ErrorCode.Local_TimedOut))));
    }

    [Fact]
    public void A_retriable_error_repeats_the_call()
    {
        Assert.Equal(KafkaErrorAction.Retry, KafkaErrorClassifier.Classify(new KafkaRetriableException(new Error(ErrorCode.Local_TimedOut))));
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
}
