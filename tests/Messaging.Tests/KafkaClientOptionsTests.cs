using Confluent.Kafka;

namespace Outbox.Messaging.Tests;

public sealed class KafkaClientOptionsTests
{
    [Fact]
    public void Producers_are_idempotent_and_consumers_read_committed_without_auto_commit()
    {
        var options = new KafkaClientOptions { BootstrapServers = "localhost:9092" };

        var producer = options.CreateTransactionalProducerConfig("relay-0");
        var consumer = options.CreateConsumerConfig("group");

        Assert.True(producer.EnableIdempotence);
        Assert.Equal(Acks.All, producer.Acks);
        Assert.Equal("relay-0", producer.TransactionalId);
        Assert.Equal(Partitioner.Murmur2Random, producer.Partitioner);
        Assert.Equal(IsolationLevel.ReadCommitted, consumer.IsolationLevel);
        Assert.False(consumer.EnableAutoCommit);
    }

    [Fact]
    public void Extra_properties_override_the_defaults()
    {
        var options = new KafkaClientOptions { BootstrapServers = "b:1" };
        options.Properties["linger.ms"] = "0";

        Assert.Equal(0, options.CreateProducerConfig().LingerMs);
    }
}
