using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Behavior;

public sealed class OffsetsByTimestampTests
{
    [Fact]
    public async Task OffsetsForTimes_returns_the_first_offset_at_or_after_the_timestamp_and_the_end_past_the_last()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions(), cancellationToken: ct);
        var start = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 0 }).Build())
        {
            for (var i = 0; i < 3; i++)
            {
                // One request per record, so each batch carries its own timestamp.
                await producer.ProduceAsync("timed", new Message<string, string> { Key = "k", Value = $"v{i}", Timestamp = new Timestamp(start.AddSeconds(10 * i)) }, ct);
            }
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "times" }).Build();
        var partition = new TopicPartition("timed", 0);
        long OffsetAt(DateTime time) =>
            consumer.OffsetsForTimes([new TopicPartitionTimestamp(partition, new Timestamp(time))], TimeSpan.FromSeconds(10)).Single().Offset.Value;

        Assert.Equal(0, OffsetAt(start.AddSeconds(-5)));
        Assert.Equal(0, OffsetAt(start));
        Assert.Equal(1, OffsetAt(start.AddSeconds(5)));
        Assert.Equal(2, OffsetAt(start.AddSeconds(20)));
        Assert.Equal(Offset.End.Value, OffsetAt(start.AddSeconds(25)));
    }
}
