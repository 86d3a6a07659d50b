using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Outbox.EmbeddedKafka.Protocol;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.KafkaJs;

/// <summary>KafkaJS as producer and consumer, alone and against Confluent.Kafka on the other side.</summary>
public sealed class KafkaJsProduceConsumeTests
{
    private const int Count = 30;
    private const int Partitions = 3;

    [Fact]
    public async Task Records_produced_by_KafkaJS_are_consumed_by_a_KafkaJS_group_member_with_keys_and_headers()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await StartBrokerAsync(ct);

        var output = await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "roundtrip", "--topic", "js-roundtrip", "--count", $"{Count}");

        Assert.All(output.GetProperty("produced").EnumerateArray(), p => Assert.Equal(0, p.GetProperty("errorCode").GetInt32()));
        AssertRecordsOfTheScripts(KafkaJsRecord.ListFrom(output.GetProperty("consumed")), "kafkajs");
    }

    [Fact]
    public async Task Records_produced_by_KafkaJS_are_read_by_Confluent_in_the_partitions_the_Java_partitioner_picks()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await StartBrokerAsync(ct);

        await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "produce", "--topic", "js-to-confluent", "--count", $"{Count}");

        var received = ReadWithConfluent(broker, "js-to-confluent");
        AssertRecordsOfTheScripts(received, "kafkajs");

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
        await using var broker = await StartBrokerAsync(ct);
        await ProduceWithConfluentAsync(broker, "confluent-to-js", CompressionType.None, ct);

        var output = await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "consume", "--topic", "confluent-to-js", "--count", $"{Count}");

        AssertRecordsOfTheScripts(KafkaJsRecord.ListFrom(output.GetProperty("consumed")), "confluent");
    }

    [Fact]
    public async Task Batches_larger_than_the_fetch_limits_still_reach_a_KafkaJS_consumer_one_at_a_time()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await StartBrokerAsync(ct);

        // Every batch (3 records of 4 KiB) exceeds the 1 KiB limits: as in Kafka (KIP-74) the first batch
        // is returned whole, so the consumer still advances.
        var output = await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct,
            "--mode", "roundtrip", "--topic", "js-large", "--count", $"{Count}", "--per-send", "3", "--padding-bytes", "4096", "--max-bytes", "1024");

        var consumed = KafkaJsRecord.ListFrom(output.GetProperty("consumed"));
        AssertRecordsOfTheScripts(consumed, "kafkajs");
        Assert.All(consumed, r => Assert.Equal(4096, r.Headers["padding"].Length));
    }

    [Fact]
    public async Task Gzip_batches_of_either_client_are_stored_as_sent_and_read_by_the_other()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await StartBrokerAsync(ct);

        await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "produce", "--topic", "js-gzip", "--count", $"{Count}", "--compression", "gzip");
        AssertRecordsOfTheScripts(ReadWithConfluent(broker, "js-gzip"), "kafkajs");

        await ProduceWithConfluentAsync(broker, "confluent-gzip", CompressionType.Gzip, ct);
        var output = await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "consume", "--topic", "confluent-gzip", "--count", $"{Count}");
        AssertRecordsOfTheScripts(KafkaJsRecord.ListFrom(output.GetProperty("consumed")), "confluent");
    }

    [Fact]
    public async Task An_idempotent_KafkaJS_producer_that_retries_after_lost_responses_writes_each_record_once()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await StartBrokerAsync(ct);

        // The records are appended, then the answers say otherwise: KafkaJS resends the same sequences.
        broker.Faults.FailNext(ApiKey.Produce, Protocol.ErrorCode.NotLeaderOrFollower, count: 2, afterHandling: true);
        await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "produce", "--topic", "js-retried", "--count", $"{Count}");

        var received = ReadWithConfluent(broker, "js-retried");
        AssertRecordsOfTheScripts(received, "kafkajs");
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "watermarks" }).Build();
        var logEnd = Enumerable.Range(0, Partitions)
            .Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition("js-retried", p), TimeSpan.FromSeconds(10)).High.Value);
        Assert.Equal(Count, logEnd);
    }

    [Fact]
    public async Task A_KafkaJS_consumer_recovers_from_fetch_and_coordinator_errors_without_losing_or_repeating_records()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await StartBrokerAsync(ct);
        await ProduceWithConfluentAsync(broker, "js-faults", CompressionType.None, ct);

        broker.Faults.FailNext(ApiKey.FindCoordinator, Protocol.ErrorCode.CoordinatorNotAvailable);
        broker.Faults.FailNext(ApiKey.JoinGroup, Protocol.ErrorCode.NotCoordinator);
        broker.Faults.FailNext(ApiKey.Fetch, Protocol.ErrorCode.NotLeaderOrFollower, count: 2);
        var output = await kafkaJs.RunAsync(broker, "produce-consume.mjs", ct, "--mode", "consume", "--topic", "js-faults", "--count", $"{Count}");

        AssertRecordsOfTheScripts(KafkaJsRecord.ListFrom(output.GetProperty("consumed")), "confluent");
    }

    private static Task<EmbeddedKafkaBroker> StartBrokerAsync(CancellationToken ct) =>
        EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = Partitions }, cancellationToken: ct);

    /// <summary>Writes the records the scripts write (see produce-consume.mjs), with source=confluent.</summary>
    private static async Task ProduceWithConfluentAsync(EmbeddedKafkaBroker broker, string topic, CompressionType compression, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            CompressionType = compression,
            Partitioner = Partitioner.Murmur2Random,
        }).Build();
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i => producer.ProduceAsync(topic, new Message<string, string>
        {
            Key = $"key-{i % 5}",
            Value = $"value-{i}",
            Headers = new Headers { { "index", Encoding.UTF8.GetBytes($"{i}") }, { "source", "confluent"u8.ToArray() } },
        }, ct)));
    }

    private static List<KafkaJsRecord> ReadWithConfluent(EmbeddedKafkaBroker broker, string topic)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "confluent-reader",
            EnableAutoCommit = false,
        }).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
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

        return received;
    }

    /// <summary>Record i has key key-(i % 5), value value-i, headers index=i and source; each arrives once, in order per partition.</summary>
    private static void AssertRecordsOfTheScripts(IReadOnlyList<KafkaJsRecord> records, string source)
    {
        Assert.Equal(Count, records.Count);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => $"value-{i}").Order(), records.Select(r => r.Value!).Order());
        foreach (var record in records)
        {
            var index = int.Parse(record.Headers["index"], CultureInfo.InvariantCulture);
            Assert.Equal($"value-{index}", record.Value);
            Assert.Equal($"key-{index % 5}", record.Key);
            Assert.Equal(source, record.Headers["source"]);
        }

        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            var offsets = partition.Select(r => r.Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
            var indexes = partition.Select(r => int.Parse(r.Headers["index"], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(indexes.Order(), indexes);
        }

        Assert.All(records.GroupBy(r => r.Key), byKey => Assert.Single(byKey.Select(r => r.Partition).Distinct()));
    }
}
