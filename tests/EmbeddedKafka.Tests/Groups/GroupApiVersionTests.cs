using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Xunit;
using ApiKey = Outbox.EmbeddedKafka.Protocol.ApiKey;

namespace Outbox.EmbeddedKafka.Tests.Groups;

/// <summary>The group API versions librdkafka 2.16 negotiates: the highest the broker advertises.</summary>
public sealed class GroupApiVersionTests
{
    [Fact]
    public async Task Librdkafka_speaks_the_newest_group_api_versions_the_broker_advertises()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        var seen = new ConcurrentDictionary<(ApiKey, short), bool>();
        broker.Cluster.RequestReceived += (key, version) => seen[((ApiKey)key, version)] = true;
        await CommittedOffsetTests.ProduceAsync(broker, "versions", 3, ct);

        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "versions",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = 6000,
            HeartbeatIntervalMs = 100,
        }).Build())
        {
            consumer.Subscribe("versions");
            consumer.Commit(CommittedOffsetTests.ConsumeOne(consumer));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!seen.ContainsKey((ApiKey.Heartbeat, 3)) && DateTime.UtcNow < deadline)
            {
                consumer.Consume(TimeSpan.FromMilliseconds(100));
            }

            consumer.Close();
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { MatchStates = [ConsumerGroupState.Empty] });
        await admin.DescribeConsumerGroupsAsync(["versions"]);
        await admin.DeleteConsumerGroupOffsetsAsync("versions", [new TopicPartition("versions", 0)]);
        await admin.DeleteGroupsAsync(["versions"]);

        var expected = new Dictionary<ApiKey, short>
        {
            [ApiKey.FindCoordinator] = 2,
            [ApiKey.JoinGroup] = 5,
            [ApiKey.SyncGroup] = 3,
            [ApiKey.Heartbeat] = 3,
            [ApiKey.LeaveGroup] = 1,
            [ApiKey.OffsetCommit] = 7,
            [ApiKey.OffsetFetch] = 7,
            [ApiKey.ListGroups] = 4,
            [ApiKey.DescribeGroups] = 4,
            [ApiKey.DeleteGroups] = 1,
            [ApiKey.OffsetDelete] = 0,
        };
        var used = seen.Keys.Where(k => expected.ContainsKey(k.Item1)).ToLookup(k => k.Item1, k => k.Item2);
        Assert.All(expected, e => Assert.Equal([e.Value], used[e.Key]));
    }
}
