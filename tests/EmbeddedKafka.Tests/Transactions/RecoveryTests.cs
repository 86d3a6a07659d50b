using Confluent.Kafka;
using Xunit;
using ApiKey = Outbox.EmbeddedKafka.Protocol.ApiKey;
using BrokerErrorCode = Outbox.EmbeddedKafka.Protocol.ErrorCode;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

public sealed class RecoveryTests
{
    [Fact]
    public async Task After_an_abortable_error_that_needs_a_new_epoch_the_producer_aborts_and_carries_on()
    {
        // UNKNOWN_PRODUCER_ID makes librdkafka abort and bump its epoch with InitProducerId v3+ (KIP-360).
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        var partition = new TopicPartition("recover", 0);
        using var producer = Clients.TransactionalProducer(broker, "recovering");
        producer.InitTransactions(Clients.Timeout);
        producer.BeginTransaction();
        await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "aborted" }, ct);
        broker.Faults.FailNext(ApiKey.Produce, BrokerErrorCode.UnknownProducerId);
        await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "failed" }, ct));
        var commitError = Assert.Throws<KafkaTxnRequiresAbortException>(() => producer.CommitTransaction(Clients.Timeout));
        Assert.False(commitError.Error.IsFatal);
        producer.AbortTransaction(Clients.Timeout);

        producer.BeginTransaction();
        await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "committed" }, ct);
        producer.CommitTransaction(Clients.Timeout);

        using var consumer = Clients.Consumer(broker, IsolationLevel.ReadCommitted);
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var records = Clients.ConsumeUntil(consumer, r => r.Count == 1);
        Assert.Equal(("committed", 2L), (records[0].Message.Value, records[0].Offset.Value));
    }
}
