using System.Collections.Concurrent;
using Confluent.Kafka;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;
using ErrorCode = Outbox.EmbeddedKafka.Protocol.ErrorCode;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>A member that stops heartbeating is evicted and its partitions go to the members that remain.</summary>
public sealed class SessionTimeoutTests
{
    private const string Topic = "orders";

    [Fact]
    public async Task The_partitions_of_a_member_whose_session_expires_go_to_the_remaining_member()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 4 }, cancellationToken: ct);
        await CommittedOffsetTests.ProduceAsync(broker, Topic, 4, ct);
        var processed = new ConcurrentQueue<(string, ConsumeResult<string, string>)>();
        using var survivor = new CommittingConsumer("survivor", new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "eviction",
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 500,
            MaxPollIntervalMs = 10_000,
        }, Topic, processed);
        await Eventually.HoldsAsync(() => survivor.Assignment.Count == 4, "the survivor owns every partition", ct);

        // A second member joins by hand, takes its share, then never heartbeats again.
        await using var silent = await RawKafkaClient.ConnectAsync(broker, "silent", ct);
        var join = new JoinGroupRequest
        {
            GroupId = "eviction",
            // Long enough that a stalled machine does not expire it between its JoinGroup and SyncGroup.
            SessionTimeoutMs = 5000,
            RebalanceTimeoutMs = 10_000,
            ProtocolType = "consumer",
            Protocols = [new() { Name = "range", Metadata = ConsumerProtocol.Subscription(Topic) }],
        };
        join.MemberId = (await silent.SendAsync<JoinGroupResponse>(join, 5, ct)).MemberId;
        var joined = await silent.SendAsync<JoinGroupResponse>(join, 5, ct);
        Assert.Equal(ErrorCode.None, (ErrorCode)joined.ErrorCode);
        var synced = await silent.SendAsync<SyncGroupResponse>(
            new SyncGroupRequest { GroupId = "eviction", MemberId = joined.MemberId, GenerationId = joined.GenerationId }, 3, ct);
        var taken = ConsumerProtocol.AssignedPartitions(synced.Assignment, Topic);
        Assert.Equal(2, taken.Count);

        await Eventually.HoldsAsync(() => survivor.Assignment.Count == 4, "the survivor owns every partition again", ct);
        var heartbeat = await silent.SendAsync<HeartbeatResponse>(
            new HeartbeatRequest { GroupId = "eviction", MemberId = joined.MemberId, GenerationId = joined.GenerationId }, 3, ct);
        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)heartbeat.ErrorCode);

        // Records written to the evicted member's partitions now reach the survivor.
        await CommittedOffsetTests.ProduceAsync(broker, Topic, 40, ct);
        await Eventually.HoldsAsync(() => processed.Count >= 44, "the survivor processes every record", ct);
        Assert.Subset(processed.Select(p => p.Item2.Partition.Value).ToHashSet(), taken.ToHashSet());
        survivor.Stop();
    }
}
