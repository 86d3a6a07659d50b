using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>Reads a topic with Confluent.Kafka (assigned partitions, no group) to check what another client wrote.</summary>
internal static class TopicReader
{
    /// <summary>
    /// Reads partition 0 of <paramref name="topic"/> from the beginning until a record with value
    /// <paramref name="lastValue"/> arrives, and returns the values in offset order.
    /// </summary>
    public static List<string> ValuesUpTo(string bootstrapServers, string topic, IsolationLevel isolation, string lastValue)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"topic-reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            IsolationLevel = isolation,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (values.LastOrDefault() != lastValue)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{lastValue} not read from {topic} ({isolation}) within 30 s; read so far: {string.Join(", ", values)}");
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is not null)
            {
                values.Add(result.Message.Value);
            }
        }

        return values;
    }

    /// <summary>The offset <paramref name="group"/> has committed on partition 0 of <paramref name="topic"/> (OffsetFetch).</summary>
    public static long CommittedOffset(string bootstrapServers, string group, string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
        }).Build();
        return consumer.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
    }
}
