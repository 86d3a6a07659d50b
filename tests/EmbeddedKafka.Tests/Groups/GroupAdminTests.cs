using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>Confluent's AdminClient on consumer groups: list, describe, offsets, delete.</summary>
public sealed class GroupAdminTests
{
    private const string Topic = "audit";
    private const string Group = "auditors";

    [Fact]
    public async Task The_admin_client_lists_describes_and_deletes_groups_and_their_offsets()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 2 }, cancellationToken: ct);
        await CommittedOffsetTests.ProduceAsync(broker, Topic, 10, ct);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var processed = new ConcurrentQueue<(string, ConsumeResult<string, string>)>();
        var member = new CommittingConsumer("auditor", new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = Group,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
        }, Topic, processed);
        var partitions = new[] { new TopicPartition(Topic, 0), new TopicPartition(Topic, 1) };
        try
        {
            await Eventually.HoldsAsync(() => processed.Count == 10, "the member processed every record", ct);

            var stable = await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchStates = [ConsumerGroupState.Stable] });
            var listing = Assert.Single(stable.Valid);
            Assert.Equal((Group, ConsumerGroupState.Stable, false), (listing.GroupId, listing.State, listing.IsSimpleConsumerGroup));
            Assert.Empty((await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchStates = [ConsumerGroupState.Empty] })).Valid);

            var description = Assert.Single((await admin.DescribeConsumerGroupsAsync([Group])).ConsumerGroupDescriptions);
            Assert.Equal((ConsumerGroupState.Stable, "range"), (description.State, description.PartitionAssignor));
            var described = Assert.Single(description.Members);
            Assert.Equal("auditor", described.ClientId);
            Assert.Equal(partitions, described.Assignment.TopicPartitions.OrderBy(p => p.Partition.Value));

            var nonEmpty = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync([Group]));
            Assert.Equal(ErrorCode.NonEmptyGroup, nonEmpty.Results.Single().Error.Code);
            var subscribed = await Assert.ThrowsAsync<DeleteConsumerGroupOffsetsException>(() => admin.DeleteConsumerGroupOffsetsAsync(Group, [partitions[0]]));
            Assert.Equal(ErrorCode.GroupSubscribedToTopic, subscribed.Result.Partitions.Single().Error.Code);

            var committed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(Group, [.. partitions])]);
            Assert.Equal(10, committed.Single().Partitions.Sum(p => p.Offset.Value));
        }
        finally
        {
            member.Stop();
            member.Dispose();
        }

        // Without members the group is Empty: offsets can be altered and deleted, then the group itself.
        Assert.Equal(ConsumerGroupState.Empty, (await admin.DescribeConsumerGroupsAsync([Group])).ConsumerGroupDescriptions.Single().State);
        await admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets(Group, [new TopicPartitionOffset(partitions[0], 3)])]);
        Assert.Equal(3, await CommittedAsync(admin, partitions[0]));
        await admin.DeleteConsumerGroupOffsetsAsync(Group, [partitions[0]]);
        Assert.Equal(Offset.Unset.Value, await CommittedAsync(admin, partitions[0]));

        await admin.DeleteGroupsAsync([Group]);
        Assert.DoesNotContain((await admin.ListConsumerGroupsAsync()).Valid, g => g.GroupId == Group);
        Assert.Equal(Offset.Unset.Value, await CommittedAsync(admin, partitions[1]));
        var missing = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync([Group]));
        Assert.Equal(ErrorCode.GroupIdNotFound, missing.Results.Single().Error.Code);
    }

    private static async Task<long> CommittedAsync(IAdminClient admin, TopicPartition partition) =>
        (await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(Group, [partition])])).Single().Partitions.Single().Offset.Value;
}
