using Confluent.Kafka;
using Xunit;
using ApiKey = Outbox.EmbeddedKafka.Protocol.ApiKey;
using BrokerErrorCode = Outbox.EmbeddedKafka.Protocol.ErrorCode;
using Clients = Outbox.EmbeddedKafka.Tests.Transactions.Clients;

namespace Outbox.EmbeddedKafka.Tests.Idempotence;

public sealed class IdempotentProducerTests
{
    [Theory]
    [InlineData(BrokerErrorCode.NotEnoughReplicasAfterAppend)]
    [InlineData(BrokerErrorCode.RequestTimedOut)]
    public async Task Retries_of_batches_whose_answer_was_lost_leave_no_duplicates(BrokerErrorCode error)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        using var producer = Clients.IdempotentProducer(broker);
        var partition = new TopicPartition("retried", 0);
        await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "0" }, ct);

        // Each failed request was appended before its answer was replaced with the error.
        broker.Faults.FailNext(ApiKey.Produce, error, count: 5, afterHandling: true);
        var sent = Enumerable.Range(1, 199).Select(i => producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = $"{i}" }, ct)).ToList();
        var results = await Task.WhenAll(sent);

        Assert.Null(broker.Faults.Take(ApiKey.Produce)); // every injected failure was hit, so batches were retried
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        Assert.Equal(Enumerable.Range(1, 199).Select(i => (long)i), results.Select(r => r.Offset.Value));
        AssertLogHoldsExactly(broker, partition, 200);
    }

    [Fact]
    public async Task Dropped_connections_during_production_leave_no_duplicates_and_keep_the_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        using var producer = Clients.IdempotentProducer(broker);
        var partition = new TopicPartition("reconnected", 0);
        var sent = new List<Task<DeliveryResult<string, string>>>();
        for (var i = 0; i < 300; i++)
        {
            sent.Add(producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = $"{i}" }, ct));
            if (i % 100 == 50)
            {
                broker.Faults.CloseAllConnections();
            }
        }

        var results = await Task.WhenAll(sent);
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        AssertLogHoldsExactly(broker, partition, 300);
    }

    private static void AssertLogHoldsExactly(EmbeddedKafkaBroker broker, TopicPartition partition, int count)
    {
        using var consumer = Clients.Consumer(broker, IsolationLevel.ReadUncommitted);
        Assert.Equal((0L, (long)count), Clients.Watermarks(consumer, partition));
        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var records = Clients.ConsumeUntil(consumer, r => r.Count == count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"{i}"), records.Select(r => r.Message.Value));
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), records.Select(r => r.Offset.Value));
    }
}
