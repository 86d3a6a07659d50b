using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Admin;

public sealed class TopicAdminTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Created_topics_have_the_asked_or_default_partition_count_and_carry_records()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 2, AutoCreateTopics = false }, cancellationToken: Ct);
        using var admin = AdminFor(broker);

        await admin.CreateTopicsAsync(
        [
            new TopicSpecification { Name = "three", NumPartitions = 3, ReplicationFactor = 1 },
            new TopicSpecification { Name = "defaulted" },
        ]);

        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        Assert.Equal(3, metadata.Topics.Single(t => t.Topic == "three").Partitions.Count);
        Assert.Equal(2, metadata.Topics.Single(t => t.Topic == "defaulted").Partitions.Count);
        Assert.Equal(["a", "b", "c"], await RoundTripAsync(broker, "three", ["a", "b", "c"]));
    }

    [Fact]
    public async Task Validate_only_creates_nothing()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { AutoCreateTopics = false }, cancellationToken: Ct);
        using var admin = AdminFor(broker);

        await admin.CreateTopicsAsync([new TopicSpecification { Name = "checked", NumPartitions = 2 }], new CreateTopicsOptions { ValidateOnly = true });

        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == "checked");
    }

    [Fact]
    public async Task Creating_an_existing_topic_an_invalid_name_a_replication_factor_above_one_or_a_bad_config_fails_with_Kafkas_errors()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var admin = AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "taken", NumPartitions = 1 }]);

        var failure = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync(
        [
            new TopicSpecification { Name = "taken", NumPartitions = 1 },
            new TopicSpecification { Name = "bad name!", NumPartitions = 1 },
            new TopicSpecification { Name = "replicated", NumPartitions = 1, ReplicationFactor = 3 },
            new TopicSpecification { Name = "misconfigured", NumPartitions = 1, Configs = new() { ["retention.ms"] = "soon" } },
            new TopicSpecification { Name = "fine", NumPartitions = 1 },
        ]));

        var errors = failure.Results.ToDictionary(r => r.Topic, r => r.Error);
        Assert.Equal(ErrorCode.TopicAlreadyExists, errors["taken"].Code);
        Assert.Equal(ErrorCode.TopicException, errors["bad name!"].Code);
        Assert.Contains("illegal", errors["bad name!"].Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidReplicationFactor, errors["replicated"].Code);
        Assert.Equal(ErrorCode.InvalidConfig, errors["misconfigured"].Code);
        Assert.Equal(ErrorCode.NoError, errors["fine"].Code);
    }

    [Fact]
    public async Task A_deleted_topic_disappears_with_its_records_and_can_be_created_again()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { AutoCreateTopics = false }, cancellationToken: Ct);
        using var admin = AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "short-lived", NumPartitions = 1 }]);
        await RoundTripAsync(broker, "short-lived", ["old"]);

        await admin.DeleteTopicsAsync(["short-lived"]);
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics, t => t.Topic == "short-lived" && t.Error.Code == ErrorCode.NoError);
        var missing = await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync(["short-lived"]));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, missing.Results.Single().Error.Code);

        await admin.CreateTopicsAsync([new TopicSpecification { Name = "short-lived", NumPartitions = 1 }]);
        Assert.Equal(["new"], await RoundTripAsync(broker, "short-lived", ["new"]));
    }

    [Fact]
    public async Task Created_partitions_take_records_and_a_topic_cannot_shrink()
    {
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: Ct);
        using var admin = AdminFor(broker);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "growing", NumPartitions = 1 }]);

        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "growing", IncreaseTo = 4 }]);

        Assert.Equal(4, admin.GetMetadata("growing", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            var delivered = await producer.ProduceAsync(new TopicPartition("growing", 3), new Message<Null, string> { Value = "last" }, Ct);
            Assert.Equal(0, delivered.Offset.Value);
        }

        var shrink = await Assert.ThrowsAsync<CreatePartitionsException>(() => admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "growing", IncreaseTo = 2 }]));
        Assert.Equal(ErrorCode.InvalidPartitions, shrink.Results.Single().Error.Code);
    }

    internal static IAdminClient AdminFor(EmbeddedKafkaBroker broker) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

    /// <summary>Produces the values to partition 0 and reads the whole partition back from the beginning.</summary>
    internal static async Task<List<string>> RoundTripAsync(EmbeddedKafkaBroker broker, string topic, IReadOnlyList<string> values)
    {
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build())
        {
            foreach (var value in values)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = value }, Ct);
            }
        }

        using var consumer = new ConsumerBuilder<Null, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "reader", EnableAutoCommit = false }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var received = new List<string>();
        while (received.Count < values.Count)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(10));
            Assert.NotNull(result);
            received.Add(result.Message.Value);
        }

        return received;
    }
}
