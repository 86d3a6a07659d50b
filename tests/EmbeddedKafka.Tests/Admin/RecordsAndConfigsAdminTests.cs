using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Admin;

public sealed class RecordsAndConfigsAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_DeleteRecords_a_consumer_from_the_beginning_or_from_below_starts_at_the_new_log_start()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var admin = TopicAdminTests.AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "trimmed", NumPartitions = 1 }]);
        await TopicAdminTests.RoundTripAsync(broker, "trimmed", [.. Enumerable.Range(0, 10).Select(i => $"v{i}")]);

        var deleted = await admin.DeleteRecordsAsync([new TopicPartitionOffset("trimmed", 0, 6)]);
        Assert.Equal(6, deleted.Single().Offset.Value);

        Assert.Equal(6, FirstOffsetRead(broker, Offset.Beginning));
        Assert.Equal(6, FirstOffsetRead(broker, new Offset(2)));
        var watermarks = ReadWatermarks(broker, "trimmed");
        Assert.Equal((6L, 10L), (watermarks.Low.Value, watermarks.High.Value));

        var beyond = await Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([new TopicPartitionOffset("trimmed", 0, 11)]));
        Assert.Equal(ErrorCode.OffsetOutOfRange, beyond.Results.Single().Error.Code);

        var all = await admin.DeleteRecordsAsync([new TopicPartitionOffset("trimmed", 0, Offset.End)]);
        Assert.Equal(10, all.Single().Offset.Value);
    }

    [Fact]
    public async Task DescribeConfigs_reports_topic_overrides_topic_defaults_and_broker_settings()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3, MaxMessageBytes = 2_000_000 }, cancellationToken: Ct);
        using var admin = TopicAdminTests.AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "configured", NumPartitions = 1, Configs = new() { ["retention.ms"] = "60000" } }]);

        var results = await admin.DescribeConfigsAsync(
        [
            new ConfigResource { Type = ResourceType.Topic, Name = "configured" },
            new ConfigResource { Type = ResourceType.Broker, Name = "1" },
        ]);

        var topic = results.Single(r => r.ConfigResource.Type == ResourceType.Topic).Entries;
        Assert.Equal("60000", topic["retention.ms"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, topic["retention.ms"].Source);
        Assert.Equal("delete", topic["cleanup.policy"].Value);
        Assert.True(topic["cleanup.policy"].IsDefault);
        Assert.Equal("2000000", topic["max.message.bytes"].Value);
        Assert.Equal("1", topic["min.insync.replicas"].Value);
        var brokerConfigs = results.Single(r => r.ConfigResource.Type == ResourceType.Broker).Entries;
        Assert.Equal("3", brokerConfigs["num.partitions"].Value);
        Assert.True(brokerConfigs["num.partitions"].IsReadOnly);

        var unknown = await Assert.ThrowsAsync<DescribeConfigsException>(() => admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "absent" }]));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, unknown.Results.Single().Error.Code);
    }

    [Fact]
    public async Task A_topic_max_message_bytes_set_by_IncrementalAlterConfigs_rejects_larger_batches()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var admin = TopicAdminTests.AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "small", NumPartitions = 1 }]);

        await admin.IncrementalAlterConfigsAsync(new ConfigResource { Type = ResourceType.Topic, Name = "small" }.WithEntries(("max.message.bytes", "2000", AlterConfigOpType.Set)));

        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build();
        await producer.ProduceAsync("small", new Message<Null, byte[]> { Value = new byte[500] }, Ct);
        var tooLarge = await Assert.ThrowsAsync<ProduceException<Null, byte[]>>(() => producer.ProduceAsync("small", new Message<Null, byte[]> { Value = new byte[5000] }, Ct));
        Assert.Equal(ErrorCode.MsgSizeTooLarge, tooLarge.Error.Code);
        var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "small" }]);
        Assert.Equal("2000", described.Single().Entries["max.message.bytes"].Value);

        var unknown = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(
            new ConfigResource { Type = ResourceType.Topic, Name = "small" }.WithEntries(("no.such.config", "1", AlterConfigOpType.Set))));
        Assert.Equal(ErrorCode.InvalidConfig, unknown.Results.Single().Error.Code);
    }

    [Fact]
    public async Task AlterConfigs_replaces_the_overrides_and_a_topic_retention_bytes_override_trims_the_log()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var admin = TopicAdminTests.AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "bounded", NumPartitions = 1, Configs = new() { ["retention.ms"] = "600000" } }]);

#pragma warning disable CS0618 // AlterConfigs is what older admin clients use; the test covers it on purpose.
        await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = "bounded" }] = [new ConfigEntry { Name = "retention.bytes", Value = "10000" }],
        });
#pragma warning restore CS0618

        var entries = (await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "bounded" }])).Single().Entries;
        Assert.Equal("10000", entries["retention.bytes"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, entries["retention.ms"].Source);

        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 0 }).Build())
        {
            for (var i = 0; i < 20; i++)
            {
                await producer.ProduceAsync("bounded", new Message<Null, byte[]> { Value = new byte[2000] }, Ct);
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ReadWatermarks(broker, "bounded").Low.Value == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "retention.bytes never trimmed the log");
            await Task.Delay(50, Ct);
        }

        Assert.InRange(ReadWatermarks(broker, "bounded").Low.Value, 10, 19);
    }

    private static long FirstOffsetRead(EmbeddedKafkaBroker broker, Offset start)
    {
        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "trimmed-reader",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(new TopicPartitionOffset("trimmed", 0, start));
        var result = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.NotNull(result);
        return result.Offset.Value;
    }

    private static WatermarkOffsets ReadWatermarks(EmbeddedKafkaBroker broker, string topic)
    {
        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "watermarks" }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
    }
}

internal static class ConfigResourceExtensions
{
    public static Dictionary<ConfigResource, List<ConfigEntry>> WithEntries(this ConfigResource resource, params (string Name, string Value, AlterConfigOpType Op)[] entries) =>
        new() { [resource] = [.. entries.Select(e => new ConfigEntry { Name = e.Name, Value = e.Value, IncrementalOperation = e.Op })] };
}
