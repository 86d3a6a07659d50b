using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

public sealed class BrokerRestartTests
{
    [Fact]
    public async Task A_transactional_producer_recovers_when_the_restarted_broker_no_longer_knows_its_producer_id()
    {
        // A data directory whose transactions journal is gone keeps records, not the transaction coordinator's ids:
        // the producer's next request gets INVALID_PRODUCER_ID_MAPPING, it aborts, asks for an epoch bump (KIP-360)
        // and is given a fresh producer id.
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
            File.Delete(Path.Combine(directory, "transactions.journal"));

            await using var restarted = await EmbeddedKafkaBroker.StartAsync(options, cancellationToken: ct);
            var attempts = 0;
            while (true)
            {
                attempts++;
                try
                {
                    producer.BeginTransaction();
                    await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "after" }, ct);
                    producer.CommitTransaction(Clients.Timeout);
                    break;
                }
                catch (Exception e) when (attempts == 1 && e is ProduceException<string, string> or KafkaTxnRequiresAbortException)
                {
                    producer.AbortTransaction(Clients.Timeout);
                }
            }

            Assert.Equal(2, attempts);
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
