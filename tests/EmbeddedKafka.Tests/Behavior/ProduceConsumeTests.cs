using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Behavior;

public sealed class ProduceConsumeTests
{
    [Fact]
    public async Task Records_produced_with_keys_are_consumed_in_order_from_the_partition_the_key_hashes_to()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 4 }, cancellationToken: ct);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build();

        var sent = new List<DeliveryResult<string, string>>();
        for (var i = 0; i < 100; i++)
        {
            sent.Add(await producer.ProduceAsync("orders", new Message<string, string> { Key = $"key-{i % 7}", Value = $"value-{i}" }, ct));
        }

        // Same key, same partition: the Java client's murmur2 partitioner as librdkafka's murmur2_random.
        foreach (var group in sent.GroupBy(r => r.Message.Key))
        {
            Assert.Single(group.Select(r => r.Partition.Value).Distinct());
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "unused",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset("orders", p, Offset.Beginning)));
        var received = new List<ConsumeResult<string, string>>();
        while (received.Count < sent.Count)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.NotNull(result);
            received.Add(result);
        }

        foreach (var partition in received.GroupBy(r => r.Partition.Value))
        {
            var expected = sent.Where(s => s.Partition.Value == partition.Key).OrderBy(s => s.Offset.Value).Select(s => s.Message.Value);
            Assert.Equal(expected, partition.Select(r => r.Message.Value));
        }
    }
}
