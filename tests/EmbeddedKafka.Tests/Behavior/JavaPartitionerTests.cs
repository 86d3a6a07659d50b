using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Behavior;

public sealed class JavaPartitionerTests
{
    private const int Partitions = 7;

    [Fact]
    public async Task With_murmur2_random_a_key_lands_on_the_partition_the_Java_client_would_choose()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = "keyed", NumPartitions = Partitions }]);
        }

        var random = new Random(1126);
        var keys = Enumerable.Range(0, 1000).Select(_ =>
        {
            var key = new byte[random.Next(1, 40)];
            random.NextBytes(key);
            return key;
        }).ToList();
        using var producer = new ProducerBuilder<byte[], string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            Partitioner = Partitioner.Murmur2Random,
            EnableIdempotence = true,
            LingerMs = 5,
        }).Build();

        var delivered = await Task.WhenAll(keys.Select(key => producer.ProduceAsync("keyed", new Message<byte[], string> { Key = key, Value = "v" }, ct)));

        Assert.All(delivered, d => Assert.Equal((JavaMurmur2(d.Message.Key) & 0x7fffffff) % Partitions, d.Partition.Value));
        Assert.Equal(Partitions, delivered.Select(d => d.Partition.Value).Distinct().Count());
    }

    /// <summary>org.apache.kafka.common.utils.Utils.murmur2, transcribed.</summary>
    private static int JavaMurmur2(byte[] data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var length = data.Length;
        var h = 0x9747b28cu ^ (uint)length;
        for (var i = 0; i < length / 4; i++)
        {
            var i4 = i * 4;
            var k = data[i4] | ((uint)data[i4 + 1] << 8) | ((uint)data[i4 + 2] << 16) | ((uint)data[i4 + 3] << 24);
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        var tail = length & ~3;
        switch (length % 4)
        {
            case 3:
                h ^= (uint)data[tail + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[tail + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[tail];
                h *= m;
                break;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return unchecked((int)h);
    }
}
