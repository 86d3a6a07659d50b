using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.State;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>What the group coordinator offers the transaction coordinator: KIP-447 validation and staged offsets.</summary>
public sealed class TransactionalOffsetTests
{
    [Fact]
    public async Task OffsetFetch_with_RequireStable_reports_a_staged_offset_as_unstable_until_the_transaction_commits()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, "fetcher", ct);
        var groups = broker.Cluster.Groups;
        groups.CommitOffset("g", "orders", 0, new CommittedOffset(3, -1, null, 0));
        groups.StageTransactionalOffset("g", producerId: 42, "orders", 0, new CommittedOffset(9, -1, null, 0));

        Assert.Equal((ErrorCode.UnstableOffsetCommit, -1L), await FetchAsync(client, requireStable: true, ct));
        Assert.Equal((ErrorCode.None, 3L), await FetchAsync(client, requireStable: false, ct));

        groups.CompleteTransactionalOffsets("g", producerId: 42, commit: true);
        Assert.Equal((ErrorCode.None, 9L), await FetchAsync(client, requireStable: true, ct));
    }

    [Fact]
    public async Task A_transactional_commit_names_the_current_member_and_generation_or_none()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, "member", ct);
        var dynamic = await client.SendAsync<JoinGroupResponse>(GroupProtocolTests.Join("g"), 3, ct);
        await client.SendAsync<SyncGroupResponse>(GroupProtocolTests.Sync("g", dynamic.MemberId, 1), 3, ct);
        var groups = broker.Cluster.Groups;

        Assert.Equal(ErrorCode.None, groups.ValidateTransactionalCommit("g", 1, dynamic.MemberId, null));
        Assert.Equal(ErrorCode.None, groups.ValidateTransactionalCommit("g", -1, "", null));
        Assert.Equal(ErrorCode.IllegalGeneration, groups.ValidateTransactionalCommit("g", 0, dynamic.MemberId, null));
        Assert.Equal(ErrorCode.UnknownMemberId, groups.ValidateTransactionalCommit("g", 1, "someone-else", null));
        Assert.Equal(ErrorCode.UnknownMemberId, groups.ValidateTransactionalCommit("no-such-group", 1, dynamic.MemberId, null));
        Assert.Equal(ErrorCode.None, groups.ValidateTransactionalCommit("no-such-group", -1, "", null));

        var old = await client.SendAsync<JoinGroupResponse>(GroupProtocolTests.Join("s", instanceId: "instance"), 5, ct);
        var current = await client.SendAsync<JoinGroupResponse>(GroupProtocolTests.Join("s", instanceId: "instance"), 5, ct);
        Assert.Equal(ErrorCode.FencedInstanceId, groups.ValidateTransactionalCommit("s", current.GenerationId, old.MemberId, "instance"));
        Assert.Equal(ErrorCode.None, groups.ValidateTransactionalCommit("s", current.GenerationId, current.MemberId, "instance"));
        Assert.Equal(ErrorCode.UnknownMemberId, groups.ValidateTransactionalCommit("s", current.GenerationId, current.MemberId, "other-instance"));
    }

    private static async Task<(ErrorCode, long)> FetchAsync(RawKafkaClient client, bool requireStable, CancellationToken ct)
    {
        var response = await client.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            GroupId = "g",
            Topics = [new() { Name = "orders", PartitionIndexes = [0] }],
            RequireStable = requireStable,
        }, 7, ct);
        var partition = response.Topics.Single().Partitions.Single();
        return ((ErrorCode)partition.ErrorCode, partition.CommittedOffset);
    }
}
