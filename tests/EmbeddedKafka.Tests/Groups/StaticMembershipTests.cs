using System.Collections.Concurrent;
using Confluent.Kafka;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>Static membership (group.instance.id) with librdkafka.</summary>
public sealed class StaticMembershipTests
{
    private const string Topic = "shipments";

    [Fact]
    public async Task A_restarted_static_member_gets_its_partitions_back_without_a_rebalance()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 4 }, cancellationToken: ct);
        await CommittedOffsetTests.ProduceAsync(broker, Topic, 8, ct);
        var config = new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "static",
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            SessionTimeoutMs = 30_000,
            HeartbeatIntervalMs = 500,
            MaxPollIntervalMs = 30_000,
        };
        var processed = new ConcurrentQueue<(string, ConsumeResult<string, string>)>();
        var staticConfig = new ConsumerConfig(config.ToDictionary()) { GroupInstanceId = "static-1" };

        using var dynamic = new CommittingConsumer("dynamic", config, Topic, processed);
        await Eventually.HoldsAsync(() => dynamic.Assignment.Count == 4, "the dynamic member owns every partition", ct);
        IReadOnlySet<TopicPartition> before;
        using (var first = new CommittingConsumer("static", staticConfig, Topic, processed))
        {
            await Eventually.HoldsAsync(() => first.Assignment.Count == 2 && dynamic.Assignment.Count == 2, "the members share the partitions", ct);
            before = first.Assignment;
            first.Stop();
        }

        // A static member leaves no LeaveGroup behind: its partitions wait for the next instance.
        var revocations = dynamic.RevocationCount;
        using var second = new CommittingConsumer("static", staticConfig, Topic, processed);
        await Eventually.HoldsAsync(() => second.Assignment.Count == 2, "the new instance owns its partitions", ct);
        Assert.Equal(before, second.Assignment);
        Assert.Equal(revocations, dynamic.RevocationCount);
        Assert.Equal(2, dynamic.Assignment.Count);
        second.Stop();
        dynamic.Stop();
    }
}
