using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>Committed offsets with librdkafka: a restarted member resumes after the last commit; standalone commits.</summary>
public sealed class CommittedOffsetTests
{
    [Fact]
    public async Task A_new_consumer_of_the_group_resumes_after_the_last_committed_record()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await ProduceAsync(broker, "payments", 10, ct);
        var config = new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "resume",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
        };

        using (var first = new ConsumerBuilder<string, string>(config).Build())
        {
            first.Subscribe("payments");
            for (var i = 0; i < 4; i++)
            {
                var record = ConsumeOne(first);
                Assert.Equal($"value-{i}", record.Message.Value);
                first.Commit(record);
            }

            first.Close();
        }

        using var second = new ConsumerBuilder<string, string>(config).Build();
        second.Subscribe("payments");
        Assert.Equal(Enumerable.Range(4, 6).Select(i => $"value-{i}"), Enumerable.Range(0, 6).Select(_ => ConsumeOne(second).Message.Value));
        second.Close();
    }

    [Fact]
    public async Task A_standalone_consumer_commits_with_assign_and_reads_its_offsets_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await ProduceAsync(broker, "ledger", 10, ct);
        var partition = new TopicPartition("ledger", 0);
        var config = new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "standalone", EnableAutoCommit = false };

        using (var committer = new ConsumerBuilder<string, string>(config).Build())
        {
            committer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            committer.Commit([new TopicPartitionOffset(partition, 7)]);
            Assert.Equal(7, committer.Committed([partition], TimeSpan.FromSeconds(10)).Single().Offset.Value);
        }

        using (var resumer = new ConsumerBuilder<string, string>(config).Build())
        {
            resumer.Assign(new TopicPartitionOffset(partition, Offset.Stored));
            var record = ConsumeOne(resumer);
            Assert.Equal((7L, "value-7"), (record.Offset.Value, record.Message.Value));
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var listed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("standalone", [partition])]);
        Assert.Equal(7, listed.Single().Partitions.Single().Offset.Value);

        // OffsetFetch without topics answers every committed offset of the group.
        await using var raw = await RawKafkaClient.ConnectAsync(broker, "raw", ct);
        var all = await raw.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest { GroupId = "standalone", Topics = null, RequireStable = true }, 7, ct);
        var fetched = Assert.Single(all.Topics);
        Assert.Equal(("ledger", 0, 7L), (fetched.Name, fetched.Partitions.Single().PartitionIndex, fetched.Partitions.Single().CommittedOffset));
    }

    internal static async Task ProduceAsync(EmbeddedKafkaBroker broker, string topic, int count, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, EnableIdempotence = true }).Build();
        for (var i = 0; i < count; i++)
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = $"key-{i}", Value = $"value-{i}" }, ct);
        }
    }

    internal static ConsumeResult<string, string> ConsumeOne(IConsumer<string, string> consumer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                return record;
            }
        }

        throw new TimeoutException("No record within 30 s");
    }
}
