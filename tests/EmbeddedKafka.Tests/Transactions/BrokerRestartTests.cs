using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

public sealed class BrokerRestartTests
{
    [Fact]
    public async Task A_transactional_producer_carries_on_across_a_restart_of_the_broker_on_its_data_directory()
    {
        // The data directory keeps the transactional id's producer id and epoch, so the running producer is not fenced.
        var ct = TestContext.Current.CancellationToken;
        var directory = Directory.CreateTempSubdirectory("embedded-kafka-").FullName;
        try
        {
            var options = new EmbeddedKafkaOptions { DataDirectory = directory };
            var partition = new TopicPartition("restarted", 0);
            var broker = await EmbeddedKafkaBroker.StartAsync(options, cancellationToken: ct);
            using var producer = Clients.TransactionalProducer(broker, "survivor");
            producer.InitTransactions(Clients.Timeout);
            producer.BeginTransaction();
            await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "before" }, ct);
            producer.CommitTransaction(Clients.Timeout);
            options.Port = broker.Port;
            await broker.DisposeAsync();

            await using var restarted = await EmbeddedKafkaBroker.StartAsync(options, cancellationToken: ct);
            producer.BeginTransaction();
            await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "after" }, ct);
            producer.CommitTransaction(Clients.Timeout);

            using var consumer = Clients.Consumer(restarted, IsolationLevel.ReadCommitted);
            consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            Assert.Equal(["before", "after"], Clients.ConsumeUntil(consumer, r => r.Count == 2).Select(r => r.Message.Value));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
