using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Outbox.EmbeddedKafka.Protocol;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Compatibility;

/// <summary>
/// librdkafka picks the highest version both sides support, so every request it sends must fall in
/// the advertised table; a version outside it means the table and the handlers disagree.
/// (OffsetForLeaderEpoch is not among the keys seen: librdkafka validates positions only when the
/// broker's Metadata is v9 or later, which this broker does not advertise.)
/// </summary>
public sealed class NegotiatedVersionsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_version_librdkafka_sends_in_a_producer_consumer_and_admin_session_is_advertised()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 2 }, cancellationToken: Ct);
        var received = new ConcurrentDictionary<(short Key, short Version), int>();
        broker.Cluster.RequestReceived += (key, version) => received.AddOrUpdate((key, version), 1, (_, n) => n + 1);

        await AdminSessionAsync(broker);
        await ProducerSessionAsync(broker);
        ConsumerSession(broker);
        if (Advertises(broker, ApiKey.JoinGroup))
        {
            GroupSession(broker);
        }

        if (Advertises(broker, ApiKey.EndTxn))
        {
            TransactionalSession(broker);
        }

        var outside = received.Keys
            .Where(r => broker.Cluster.Apis!.Find(r.Key) is not { } api || r.Version < api.MinVersion || r.Version > api.MaxVersion)
            .Select(r => $"{(ApiKey)r.Key} v{r.Version}")
            .ToList();
        Assert.Empty(outside);
        var seen = received.Keys.Select(r => (ApiKey)r.Key).ToHashSet();
        Assert.Superset(
            new HashSet<ApiKey>
            {
                ApiKey.ApiVersions, ApiKey.Metadata, ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets, ApiKey.InitProducerId,
                ApiKey.CreateTopics, ApiKey.CreatePartitions, ApiKey.DeleteTopics, ApiKey.DeleteRecords, ApiKey.DescribeConfigs,
                ApiKey.AlterConfigs, ApiKey.IncrementalAlterConfigs,
            },
            seen);
        Assert.Contains(((short)ApiKey.ApiVersions, (short)3), received.Keys);
    }

    private static bool Advertises(EmbeddedKafkaBroker broker, ApiKey key) => broker.Cluster.Apis!.Find((short)key) is not null;

    private static async Task AdminSessionAsync(EmbeddedKafkaBroker broker)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "negotiated", NumPartitions = 1 }, new TopicSpecification { Name = "doomed" }]);
        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "negotiated", IncreaseTo = 2 }]);
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = "negotiated" };
        await admin.DescribeConfigsAsync([resource, new ConfigResource { Type = ResourceType.Broker, Name = "1" }]);
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "retention.ms", Value = "3600000", IncrementalOperation = AlterConfigOpType.Set }],
        });
#pragma warning disable CS0618 // the deprecated AlterConfigs is still a request clients send
        await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = [new ConfigEntry { Name = "retention.ms", Value = "7200000" }] });
#pragma warning restore CS0618
        await admin.DeleteTopicsAsync(["doomed"]);
        await admin.DescribeClusterAsync();
        await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(["negotiated"]));
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await producer.ProduceAsync(new TopicPartition("negotiated", 0), new Message<Null, string> { Value = "x" }, Ct);
        }

        await admin.ListOffsetsAsync([new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition("negotiated", 0), OffsetSpec = OffsetSpec.Latest() }]);
        await admin.DeleteRecordsAsync([new TopicPartitionOffset("negotiated", 0, Offset.End)]);
    }

    private static async Task ProducerSessionAsync(EmbeddedKafkaBroker broker)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, CompressionType = CompressionType.Zstd,
        }).Build();
        for (var i = 0; i < 10; i++)
        {
            await producer.ProduceAsync("session", new Message<string, string> { Key = $"k{i}", Value = $"v{i}" }, Ct);
        }
    }

    private static void ConsumerSession(EmbeddedKafkaBroker broker)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "session", EnableAutoCommit = false }).Build();
        consumer.Assign([new TopicPartitionOffset("session", 0, Offset.Beginning), new TopicPartitionOffset("session", 1, new Offset(1), leaderEpoch: 0)]);
        consumer.Consume(TimeSpan.FromSeconds(5));
        consumer.QueryWatermarkOffsets(new TopicPartition("session", 0), TimeSpan.FromSeconds(5));
        consumer.OffsetsForTimes([new TopicPartitionTimestamp("session", 0, new Timestamp(DateTime.UtcNow.AddMinutes(-1)))], TimeSpan.FromSeconds(5));
    }

    private static void GroupSession(EmbeddedKafkaBroker broker)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "negotiating-group", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe("session");
        if (consumer.Consume(TimeSpan.FromSeconds(20)) is { } result)
        {
            consumer.Commit(result);
        }

        consumer.Close();
    }

    private static void TransactionalSession(EmbeddedKafkaBroker broker)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers, TransactionalId = "negotiating-txn",
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(20));
        producer.BeginTransaction();
        producer.Produce("session", new Message<string, string> { Key = "t", Value = "t" });
        producer.CommitTransaction(TimeSpan.FromSeconds(20));
    }
}
