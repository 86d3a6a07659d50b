using Xunit;

namespace Outbox.EmbeddedKafka.Tests.KafkaJs;

/// <summary>KafkaJS admin: topics created, grown, described, listed with their offsets and configs, trimmed and deleted.</summary>
public sealed class KafkaJsAdminTests
{
    [Fact]
    public async Task Topics_are_created_grown_described_trimmed_and_deleted_through_the_KafkaJS_admin_client()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { AutoCreateTopics = false }, cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "admin.mjs", ct, "--topic", "js-admin");

        Assert.True(output.GetProperty("created").GetBoolean());
        Assert.False(output.GetProperty("createdAgain").GetBoolean());
        Assert.True(output.GetProperty("listedAfterCreate").GetBoolean());
        var nodeId = new EmbeddedKafkaOptions().NodeId;
        Assert.Equal([(0, nodeId), (1, nodeId), (2, nodeId), (3, nodeId)],
            output.GetProperty("partitions").EnumerateArray().Select(p => (p.GetProperty("partitionId").GetInt32(), p.GetProperty("leader").GetInt32())));
        Assert.Equal([(0, 1L, 2L), (1, 0L, 2L), (2, 0L, 2L), (3, 0L, 0L)],
            output.GetProperty("offsets").EnumerateArray().Select(o => (o.GetProperty("partition").GetInt32(), o.GetProperty("low").GetInt64(), o.GetProperty("high").GetInt64())));
        var configs = output.GetProperty("configs");
        Assert.Equal("delete", configs.GetProperty("cleanup.policy").GetString());
        Assert.Equal($"{(long)TimeSpan.FromDays(7).TotalMilliseconds}", configs.GetProperty("retention.ms").GetString());
        Assert.False(output.GetProperty("listedAfterDelete").GetBoolean());
        Assert.Equal(nodeId, output.GetProperty("controller").GetInt32());
        Assert.Equal([nodeId], output.GetProperty("brokers").EnumerateArray().Select(e => e.GetInt32()));
    }
}
