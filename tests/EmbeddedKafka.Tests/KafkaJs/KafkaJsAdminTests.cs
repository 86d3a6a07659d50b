using Xunit;

namespace Outbox.EmbeddedKafka.Tests.KafkaJs;

/// <summary>KafkaJS admin: topics created, described, listed with their offsets and deleted.</summary>
public sealed class KafkaJsAdminTests
{
    [Fact]
    public async Task Topics_are_created_described_and_deleted_through_the_KafkaJS_admin_client()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { AutoCreateTopics = false }, cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "admin.mjs", ct, "--topic", "js-admin");

        Assert.True(output.GetProperty("created").GetBoolean());
        Assert.False(output.GetProperty("createdAgain").GetBoolean());
        Assert.True(output.GetProperty("listedAfterCreate").GetBoolean());
        var nodeId = new EmbeddedKafkaOptions().NodeId;
        Assert.Equal([(0, nodeId), (1, nodeId), (2, nodeId)],
            output.GetProperty("partitions").EnumerateArray().Select(p => (p.GetProperty("partitionId").GetInt32(), p.GetProperty("leader").GetInt32())));
        var offsets = output.GetProperty("offsets").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], offsets.Select(o => o.GetProperty("partition").GetInt32()));
        Assert.All(offsets, o => Assert.Equal(0, o.GetProperty("low").GetInt64()));
        Assert.Equal(5, offsets.Sum(o => o.GetProperty("high").GetInt64()));
        Assert.False(output.GetProperty("listedAfterDelete").GetBoolean());
        Assert.Equal(nodeId, output.GetProperty("controller").GetInt32());
        Assert.Equal([nodeId], output.GetProperty("brokers").EnumerateArray().Select(e => e.GetInt32()));
    }
}
