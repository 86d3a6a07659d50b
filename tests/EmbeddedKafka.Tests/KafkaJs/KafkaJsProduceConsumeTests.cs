using System.Text;
using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.KafkaJs;

/// <summary>KafkaJS as producer and consumer, alone and against Confluent.Kafka on the other side.</summary>
public sealed class KafkaJsProduceConsumeTests
{
    private const int Count = 30;

    [Fact]
    public async Task Records_produced_by_KafkaJS_are_consumed_by_a_KafkaJS_group_member_with_keys_and_headers()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "roundtrip", "--topic", "js-roundtrip", "--count", $"{Count}");

        Assert.All(output.GetProperty("produced").EnumerateArray(), p => Assert.Equal(0, p.GetProperty("errorCode").GetInt32()));
        AssertRecordsFromScript(KafkaJsRecord.ListFrom(output.GetProperty("consumed")), "kafkajs");
    }

    [Fact]
    public async Task Records_produced_by_KafkaJS_are_read_by_Confluent_in_the_partitions_the_Java_partitioner_picks()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);

        await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "produce", "--topic", "js-to-confluent", "--count", $"{Count}");

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "confluent-reader",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset("js-to-confluent", p, Offset.Beginning)));
        var received = new List<KafkaJsRecord>();
        while (received.Count < Count)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.NotNull(result);
            received.Add(new KafkaJsRecord(
                result.Topic,
                result.Partition.Value,
                result.Offset.Value,
                result.Message.Key,
                result.Message.Value,
                result.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()))));
        }

        AssertRecordsFromScript(received, "kafkajs");

        // KafkaJS's default partitioner is the Java client's murmur2; librdkafka's murmur2_random must agree.
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();
        foreach (var byKey in received.GroupBy(r => r.Key!))
        {
            var delivered = await producer.ProduceAsync("js-to-confluent", new Message<string, string> { Key = byKey.Key, Value = "from-confluent" }, ct);
            Assert.Equal(byKey.First().Partition, delivered.Partition.Value);
        }
    }

    [Fact]
    public async Task Records_produced_by_Confluent_are_consumed_by_a_KafkaJS_group_member_with_keys_and_headers()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build())
        {
            var deliveries = Enumerable.Range(0, Count).Select(i => producer.ProduceAsync("confluent-to-js", new Message<string, string>
            {
                Key = $"key-{i % 5}",
                Value = $"value-{i}",
                Headers = new Headers { { "index", Encoding.UTF8.GetBytes($"{i}") }, { "source", "confluent"u8.ToArray() } },
            }, ct));
            await Task.WhenAll(deliveries);
        }

        var output = await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "consume", "--topic", "confluent-to-js", "--count", $"{Count}");

        AssertRecordsFromScript(KafkaJsRecord.ListFrom(output.GetProperty("consumed")), "confluent");
    }

    /// <summary>Record i has key key-(i % 5), value value-i, headers index=i and source; each arrives once, in order per partition.</summary>
    private static void AssertRecordsFromScript(IReadOnlyList<KafkaJsRecord> records, string source)
    {
        Assert.Equal(Count, records.Count);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"value-{i}").Order(), records.Select(r => r.Value!).Order());
        foreach (var record in records)
        {
            var index = int.Parse(record.Headers["index"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($"value-{index}", record.Value);
            Assert.Equal($"key-{index % 5}", record.Key);
            Assert.Equal(source, record.Headers["source"]);
        }

        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            var offsets = partition.Select(r => r.Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
            var indexes = partition.Select(r => int.Parse(r.Headers["index"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(indexes.Order(), indexes);
        }

        Assert.All(records.GroupBy(r => r.Key), byKey => Assert.Single(byKey.Select(r => r.Partition).Distinct()));
    }
}
