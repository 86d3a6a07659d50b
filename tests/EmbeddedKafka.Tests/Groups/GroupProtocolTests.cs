using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>The classic group protocol spoken by hand: generations, rebalances and the errors Kafka returns.</summary>
public sealed class GroupProtocolTests
{
    private const string Topic = "orders";

    [Fact]
    public async Task Members_in_the_wrong_generation_or_unknown_get_Kafkas_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var first = await ConnectWithTopicAsync(broker, "first", ct);

        // KIP-394: a new member first gets its id, then joins with it.
        var required = await first.SendAsync<JoinGroupResponse>(Join("g"), 5, ct);
        Assert.Equal(ErrorCode.MemberIdRequired, (ErrorCode)required.ErrorCode);
        Assert.NotEmpty(required.MemberId);
        var m1 = required.MemberId;
        var joined = await first.SendAsync<JoinGroupResponse>(Join("g", m1), 5, ct);
        Assert.Equal(ErrorCode.None, (ErrorCode)joined.ErrorCode);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal(m1, joined.Leader);
        Assert.Equal("range", joined.ProtocolName);
        Assert.Equal([m1], joined.Members.Select(m => m.MemberId));

        Assert.Equal(ErrorCode.IllegalGeneration, await SyncErrorAsync(first, "g", m1, 2, ct));
        Assert.Equal(ErrorCode.UnknownMemberId, await SyncErrorAsync(first, "g", "nobody", 1, ct));
        var assignment = ConsumerProtocol.Assignment(Topic, 0);
        var synced = await first.SendAsync<SyncGroupResponse>(Sync("g", m1, 1, (m1, assignment)), 3, ct);
        Assert.Equal(ErrorCode.None, (ErrorCode)synced.ErrorCode);
        Assert.Equal(assignment, synced.Assignment);

        Assert.Equal(ErrorCode.None, await HeartbeatAsync(first, "g", m1, 1, ct));
        Assert.Equal(ErrorCode.IllegalGeneration, await HeartbeatAsync(first, "g", m1, 0, ct));
        Assert.Equal(ErrorCode.UnknownMemberId, await HeartbeatAsync(first, "g", "nobody", 1, ct));
        Assert.Equal(ErrorCode.UnknownMemberId, await HeartbeatAsync(first, "no-such-group", m1, 1, ct));

        // A second member (v3: no KIP-394 round) starts a rebalance; its JoinGroup waits for the first to rejoin.
        await using var second = await RawKafkaClient.ConnectAsync(broker, "second", ct);
        var secondJoin = second.SendAsync<JoinGroupResponse>(Join("g"), 3, ct);
        await WaitUntilAsync(async () => await HeartbeatAsync(first, "g", m1, 1, ct) == ErrorCode.RebalanceInProgress, ct);
        Assert.Equal(ErrorCode.RebalanceInProgress, await SyncErrorAsync(first, "g", m1, 1, ct));

        // While members rejoin, the current generation may still commit (what a revocation does); an anonymous commit may not.
        Assert.Equal(ErrorCode.None, await CommitAsync(first, "g", 1, m1, 5, ct));
        Assert.Equal(ErrorCode.UnknownMemberId, await CommitAsync(first, "g", -1, "", 6, ct));

        var rejoined = await first.SendAsync<JoinGroupResponse>(Join("g", m1), 5, ct);
        var secondJoined = await secondJoin;
        Assert.Equal(2, rejoined.GenerationId);
        Assert.Equal(2, secondJoined.GenerationId);
        Assert.Equal(m1, rejoined.Leader);
        Assert.Equal(2, rejoined.Members.Count);
        Assert.Empty(secondJoined.Members);

        // Generation 2 has no assignment yet: commits wait for it, the old generation is refused.
        Assert.Equal(ErrorCode.IllegalGeneration, await CommitAsync(first, "g", 1, m1, 7, ct));
        Assert.Equal(ErrorCode.RebalanceInProgress, await CommitAsync(first, "g", 2, m1, 7, ct));
        Assert.Equal(ErrorCode.None, await HeartbeatAsync(first, "g", m1, 2, ct));

        var followerSync = second.SendAsync<SyncGroupResponse>(Sync("g", secondJoined.MemberId, 2), 3, ct);
        var leaderSync = await first.SendAsync<SyncGroupResponse>(
            Sync("g", m1, 2, (m1, ConsumerProtocol.Assignment(Topic, 0)), (secondJoined.MemberId, ConsumerProtocol.Assignment(Topic, 1))), 3, ct);
        Assert.Equal([0], ConsumerProtocol.AssignedPartitions(leaderSync.Assignment, Topic));
        Assert.Equal([1], ConsumerProtocol.AssignedPartitions((await followerSync).Assignment, Topic));
        Assert.Equal(ErrorCode.None, await CommitAsync(first, "g", 2, m1, 7, ct));

        var fetched = await first.SendAsync<OffsetFetchResponse>(
            new OffsetFetchRequest { GroupId = "g", Topics = [new() { Name = Topic, PartitionIndexes = [0, 1] }] }, 7, ct);
        Assert.Equal([7L, -1L], fetched.Topics.Single().Partitions.Select(p => p.CommittedOffset));
    }

    [Fact]
    public async Task A_session_timeout_out_of_bounds_or_a_foreign_protocol_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(
            new EmbeddedKafkaOptions { GroupMinSessionTimeout = TimeSpan.FromSeconds(1), GroupMaxSessionTimeout = TimeSpan.FromSeconds(10) }, cancellationToken: ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, "client", ct);

        Assert.Equal(ErrorCode.InvalidSessionTimeout, (ErrorCode)(await client.SendAsync<JoinGroupResponse>(Join("g", sessionTimeoutMs: 500), 3, ct)).ErrorCode);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (ErrorCode)(await client.SendAsync<JoinGroupResponse>(Join("g", sessionTimeoutMs: 20_000), 3, ct)).ErrorCode);
        Assert.Equal(ErrorCode.InvalidGroupId, (ErrorCode)(await client.SendAsync<JoinGroupResponse>(Join(""), 3, ct)).ErrorCode);

        var joined = await client.SendAsync<JoinGroupResponse>(Join("g"), 3, ct);
        Assert.Equal(ErrorCode.None, (ErrorCode)joined.ErrorCode);
        await using var other = await RawKafkaClient.ConnectAsync(broker, "other", ct);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, (ErrorCode)(await other.SendAsync<JoinGroupResponse>(Join("g", protocol: "roundrobin"), 3, ct)).ErrorCode);
        var wrongType = Join("g");
        wrongType.ProtocolType = "connect";
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, (ErrorCode)(await other.SendAsync<JoinGroupResponse>(wrongType, 3, ct)).ErrorCode);
        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)(await other.SendAsync<JoinGroupResponse>(Join("unknown-group", "someone"), 3, ct)).ErrorCode);
    }

    [Fact]
    public async Task A_new_instance_of_a_static_member_takes_over_without_a_rebalance_and_fences_the_old_one()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var client = await ConnectWithTopicAsync(broker, "static", ct);

        var old = await client.SendAsync<JoinGroupResponse>(Join("g", instanceId: "instance-1"), 5, ct);
        Assert.Equal(ErrorCode.None, (ErrorCode)old.ErrorCode);
        var assignment = ConsumerProtocol.Assignment(Topic, 0);
        await client.SendAsync<SyncGroupResponse>(Sync("g", old.MemberId, 1, (old.MemberId, assignment)), 3, ct);

        var replacement = await client.SendAsync<JoinGroupResponse>(Join("g", instanceId: "instance-1"), 5, ct);
        Assert.Equal(ErrorCode.None, (ErrorCode)replacement.ErrorCode);
        Assert.NotEqual(old.MemberId, replacement.MemberId);
        Assert.Equal(1, replacement.GenerationId);
        var resynced = await client.SendAsync<SyncGroupResponse>(Sync("g", replacement.MemberId, 1, "instance-1"), 3, ct);
        Assert.Equal(assignment, resynced.Assignment);

        Assert.Equal(ErrorCode.FencedInstanceId, await HeartbeatAsync(client, "g", old.MemberId, 1, ct, "instance-1"));
        Assert.Equal(ErrorCode.None, await HeartbeatAsync(client, "g", replacement.MemberId, 1, ct, "instance-1"));
        Assert.Equal(ErrorCode.FencedInstanceId, (ErrorCode)(await client.SendAsync<OffsetCommitResponse>(
            Commit("g", 1, old.MemberId, 3, "instance-1"), 7, ct)).Topics[0].Partitions[0].ErrorCode);
    }

    [Fact]
    public async Task LeaveGroup_v3_removes_a_batch_of_members_and_the_group_becomes_empty()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var first = await RawKafkaClient.ConnectAsync(broker, "first", ct);
        await using var second = await RawKafkaClient.ConnectAsync(broker, "second", ct);

        var m1 = (await first.SendAsync<JoinGroupResponse>(Join("g", instanceId: "a"), 5, ct)).MemberId;
        var secondJoin = second.SendAsync<JoinGroupResponse>(Join("g", instanceId: "b"), 5, ct);
        await WaitUntilAsync(async () => await HeartbeatAsync(first, "g", m1, 1, ct, "a") == ErrorCode.RebalanceInProgress, ct);
        await first.SendAsync<JoinGroupResponse>(Join("g", m1, instanceId: "a"), 5, ct);
        var m2 = (await secondJoin).MemberId;
        Assert.Equal("CompletingRebalance", await StateAsync(first, "g", ct));

        var left = await first.SendAsync<LeaveGroupResponse>(new LeaveGroupRequest
        {
            GroupId = "g",
            Members = [new() { MemberId = m1, GroupInstanceId = "a" }, new() { MemberId = "", GroupInstanceId = "b" }, new() { MemberId = "ghost" }],
        }, 3, ct);
        Assert.Equal([ErrorCode.None, ErrorCode.None, ErrorCode.UnknownMemberId], left.Members.Select(m => (ErrorCode)m.ErrorCode));
        Assert.Equal("Empty", await StateAsync(first, "g", ct));
        Assert.Equal(ErrorCode.UnknownMemberId, await HeartbeatAsync(second, "g", m2, 2, ct, "b"));
    }

    [Fact]
    public async Task The_group_selects_the_protocol_all_members_support_that_most_of_them_prefer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var first = await RawKafkaClient.ConnectAsync(broker, "first", ct);
        await using var second = await RawKafkaClient.ConnectAsync(broker, "second", ct);
        await using var third = await RawKafkaClient.ConnectAsync(broker, "third", ct);

        var m1 = (await first.SendAsync<JoinGroupResponse>(Join("g", protocols: ["range", "roundrobin", "sticky"]), 3, ct)).MemberId;
        var secondJoin = second.SendAsync<JoinGroupResponse>(Join("g", protocols: ["roundrobin", "sticky"]), 3, ct);
        await WaitUntilAsync(async () => await HeartbeatAsync(first, "g", m1, 1, ct) == ErrorCode.RebalanceInProgress, ct);
        var thirdJoin = third.SendAsync<JoinGroupResponse>(Join("g", protocols: ["sticky", "roundrobin"]), 3, ct);
        await WaitUntilAsync(async () => (await first.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = ["g"] }, 4, ct)).Groups[0].Members.Count == 3, ct);
        var leader = await first.SendAsync<JoinGroupResponse>(Join("g", m1, protocols: ["range", "roundrobin", "sticky"]), 3, ct);

        // Common to all: roundrobin and sticky; first preferences among those: roundrobin (first, second), sticky (third).
        Assert.All(new[] { leader, await secondJoin, await thirdJoin }, a => Assert.Equal(("roundrobin", 2), (a.ProtocolName, a.GenerationId)));
        Assert.Equal(3, leader.Members.Count);
    }

    [Fact]
    public async Task DescribeGroups_reports_states_and_members_and_an_unknown_group_as_dead()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, "describer", ct);

        var joined = await client.SendAsync<JoinGroupResponse>(Join("g"), 3, ct);
        var assignment = ConsumerProtocol.Assignment(Topic, 0, 1);
        await client.SendAsync<SyncGroupResponse>(Sync("g", joined.MemberId, 1, (joined.MemberId, assignment)), 3, ct);

        var described = await client.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = ["g", "missing"] }, 4, ct);
        var group = described.Groups[0];
        Assert.Equal(("Stable", "consumer", "range"), (group.GroupState, group.ProtocolType, group.ProtocolData));
        var member = Assert.Single(group.Members);
        Assert.Equal((joined.MemberId, "describer"), (member.MemberId, member.ClientId));
        Assert.Equal(ConsumerProtocol.Subscription(Topic), member.MemberMetadata);
        Assert.Equal(assignment, member.MemberAssignment);
        Assert.Equal(("Dead", ErrorCode.None), (described.Groups[1].GroupState, (ErrorCode)described.Groups[1].ErrorCode));

        var listed = await client.SendAsync<ListGroupsResponse>(new ListGroupsRequest { StatesFilter = ["stable"] }, 4, ct);
        Assert.Equal(["g"], listed.Groups.Select(g => g.GroupId));
        Assert.Empty((await client.SendAsync<ListGroupsResponse>(new ListGroupsRequest { StatesFilter = ["Empty"] }, 4, ct)).Groups);
    }

    internal static JoinGroupRequest Join(string group, string memberId = "", string? instanceId = null,
        int sessionTimeoutMs = 6000, int rebalanceTimeoutMs = 6000, string protocol = "range", string[]? protocols = null) => new()
    {
        GroupId = group,
        MemberId = memberId,
        GroupInstanceId = instanceId,
        SessionTimeoutMs = sessionTimeoutMs,
        RebalanceTimeoutMs = rebalanceTimeoutMs,
        ProtocolType = "consumer",
        Protocols = [.. (protocols ?? [protocol]).Select(name => new JoinGroupRequest.JoinGroupRequestProtocol { Name = name, Metadata = ConsumerProtocol.Subscription(Topic) })],
    };

    internal static SyncGroupRequest Sync(string group, string memberId, int generation, params (string MemberId, byte[] Assignment)[] assignments) =>
        Sync(group, memberId, generation, null, assignments);

    internal static SyncGroupRequest Sync(string group, string memberId, int generation, string? instanceId, params (string MemberId, byte[] Assignment)[] assignments) => new()
    {
        GroupId = group,
        MemberId = memberId,
        GenerationId = generation,
        GroupInstanceId = instanceId,
        Assignments = [.. assignments.Select(a => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = a.MemberId, Assignment = a.Assignment })],
    };

    internal static async Task<ErrorCode> HeartbeatAsync(RawKafkaClient client, string group, string memberId, int generation, CancellationToken ct, string? instanceId = null) =>
        (ErrorCode)(await client.SendAsync<HeartbeatResponse>(
            new HeartbeatRequest { GroupId = group, MemberId = memberId, GenerationId = generation, GroupInstanceId = instanceId }, 3, ct)).ErrorCode;

    internal static async Task<string> StateAsync(RawKafkaClient client, string group, CancellationToken ct) =>
        (await client.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = [group] }, 4, ct)).Groups[0].GroupState;

    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(50, ct);
        }
    }

    private static async Task<RawKafkaClient> ConnectWithTopicAsync(EmbeddedKafkaBroker broker, string clientId, CancellationToken ct)
    {
        var client = await RawKafkaClient.ConnectAsync(broker, clientId, ct);
        await client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = [new() { Name = Topic }], AllowAutoTopicCreation = true }, 8, ct);
        return client;
    }

    private static async Task<ErrorCode> SyncErrorAsync(RawKafkaClient client, string group, string memberId, int generation, CancellationToken ct) =>
        (ErrorCode)(await client.SendAsync<SyncGroupResponse>(Sync(group, memberId, generation), 3, ct)).ErrorCode;

    private static OffsetCommitRequest Commit(string group, int generation, string memberId, long offset, string? instanceId = null) => new()
    {
        GroupId = group,
        GenerationIdOrMemberEpoch = generation,
        MemberId = memberId,
        GroupInstanceId = instanceId,
        Topics = [new() { Name = Topic, Partitions = [new() { PartitionIndex = 0, CommittedOffset = offset }] }],
    };

    private static async Task<ErrorCode> CommitAsync(RawKafkaClient client, string group, int generation, string memberId, long offset, CancellationToken ct) =>
        (ErrorCode)(await client.SendAsync<OffsetCommitResponse>(Commit(group, generation, memberId, offset), 7, ct)).Topics[0].Partitions[0].ErrorCode;
}
