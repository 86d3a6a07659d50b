using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;
using static Outbox.EmbeddedKafka.Tests.Groups.GroupProtocolTests;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>The group timers on a clock the test moves: session expiry, rebalance timeout, unsynced members, initial delay.</summary>
public sealed class GroupTimeoutTests
{
    [Fact]
    public async Task A_member_that_stops_heartbeating_is_evicted_once_its_session_timeout_passes()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new ManualClock();
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions(), clock, null, ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, "client", ct);
        var joined = await client.SendAsync<JoinGroupResponse>(Join("g", sessionTimeoutMs: 6000), 3, ct);
        await client.SendAsync<SyncGroupResponse>(Sync("g", joined.MemberId, 1), 3, ct);

        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(ErrorCode.None, await HeartbeatAsync(client, "g", joined.MemberId, 1, ct));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("Stable", await StateAsync(client, "g", ct));

        clock.Advance(TimeSpan.FromSeconds(2));
        await WaitUntilAsync(async () => await StateAsync(client, "g", ct) == "Empty", ct);
        Assert.Equal(ErrorCode.UnknownMemberId, await HeartbeatAsync(client, "g", joined.MemberId, 1, ct));
    }

    [Fact]
    public async Task A_member_that_never_syncs_after_its_JoinGroup_answer_is_removed_after_the_rebalance_timeout()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new ManualClock();
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions(), clock, null, ct);
        await using var client = await RawKafkaClient.ConnectAsync(broker, "client", ct);
        var joined = await client.SendAsync<JoinGroupResponse>(Join("g", sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 6000), 3, ct);
        Assert.Equal("CompletingRebalance", await StateAsync(client, "g", ct));

        clock.Advance(TimeSpan.FromSeconds(7));
        await WaitUntilAsync(async () => await StateAsync(client, "g", ct) == "Empty", ct);
        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)(await client.SendAsync<SyncGroupResponse>(Sync("g", joined.MemberId, 1), 3, ct)).ErrorCode);
    }

    [Fact]
    public async Task A_member_that_does_not_rejoin_within_the_rebalance_timeout_is_dropped_from_the_next_generation()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new ManualClock();
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions(), clock, null, ct);
        await using var stale = await RawKafkaClient.ConnectAsync(broker, "stale", ct);
        await using var fresh = await RawKafkaClient.ConnectAsync(broker, "fresh", ct);
        var first = await stale.SendAsync<JoinGroupResponse>(Join("g", sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 6000), 3, ct);
        await stale.SendAsync<SyncGroupResponse>(Sync("g", first.MemberId, 1), 3, ct);

        var freshJoin = fresh.SendAsync<JoinGroupResponse>(Join("g", sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 6000), 3, ct);
        await WaitUntilAsync(async () => await HeartbeatAsync(stale, "g", first.MemberId, 1, ct) == ErrorCode.RebalanceInProgress, ct);
        Assert.False(freshJoin.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(7));
        var second = await freshJoin;
        Assert.Equal((2, second.MemberId), (second.GenerationId, second.Leader));
        Assert.Equal([second.MemberId], second.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.UnknownMemberId, await HeartbeatAsync(stale, "g", first.MemberId, 1, ct));
    }

    [Fact]
    public async Task A_new_group_waits_the_initial_rebalance_delay_so_members_joining_together_share_the_first_generation()
    {
        var ct = TestContext.Current.CancellationToken;
        var clock = new ManualClock();
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { GroupInitialRebalanceDelay = TimeSpan.FromSeconds(3) }, clock, null, ct);
        await using var first = await RawKafkaClient.ConnectAsync(broker, "first", ct);
        await using var second = await RawKafkaClient.ConnectAsync(broker, "second", ct);
        await using var observer = await RawKafkaClient.ConnectAsync(broker, "observer", ct);

        var joins = Task.WhenAll(
            first.SendAsync<JoinGroupResponse>(Join("g", rebalanceTimeoutMs: 30_000), 3, ct),
            second.SendAsync<JoinGroupResponse>(Join("g", rebalanceTimeoutMs: 30_000), 3, ct));
        await WaitUntilAsync(async () =>
        {
            var group = (await observer.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = ["g"] }, 4, ct)).Groups[0];
            return group.GroupState == "PreparingRebalance" && group.Members.Count == 2;
        }, ct);
        Assert.False(joins.IsCompleted);

        // Each newcomer during the delay extends it (Kafka's InitialDelayedJoin), so move on until the rebalance completes.
        for (var advanced = 0; !joins.IsCompleted && advanced < 30; advanced++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(joins, Task.Delay(200, ct));
        }

        var answers = await joins;
        Assert.All(answers, a => Assert.Equal(1, a.GenerationId));
        Assert.Equal(2, answers.Single(a => a.MemberId == a.Leader).Members.Count);
    }
}
