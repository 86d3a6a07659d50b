using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.KafkaJs;

/// <summary>KafkaJS consumer groups: partitions shared between members, committed offsets resumed from, groups listed, described and deleted.</summary>
public sealed class KafkaJsGroupTests
{
    [Fact]
    public async Task Two_members_of_a_group_split_the_partitions_and_together_receive_every_record_once()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 4 }, cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "groups.mjs", ct, "--mode", "split", "--topic", "js-split", "--partitions", "4", "--count", "40");

        var assignments = output.GetProperty("assignments");
        var a = assignments.GetProperty("a").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var b = assignments.GetProperty("b").EnumerateArray().Select(e => e.GetInt32()).ToList();
        Assert.NotEmpty(a);
        Assert.NotEmpty(b);
        Assert.Equal([0, 1, 2, 3], a.Concat(b).Order());
        Assert.Equal(0, output.GetProperty("rejoins").GetInt32());

        var receivedByA = KafkaJsRecord.ListFrom(output.GetProperty("a"));
        var receivedByB = KafkaJsRecord.ListFrom(output.GetProperty("b"));
        Assert.All(receivedByA, r => Assert.Contains(r.Partition, a));
        Assert.All(receivedByB, r => Assert.Contains(r.Partition, b));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"value-{i}").Order(), receivedByA.Concat(receivedByB).Select(r => r.Value!).Order());
    }

    [Fact]
    public async Task A_new_member_resumes_after_the_offset_the_previous_member_committed()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "groups.mjs", ct, "--mode", "resume", "--topic", "js-resume", "--group", "js-resume", "--count", "20");

        Assert.Equal(10, output.GetProperty("committedOffset").GetInt64());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), output.GetProperty("firstMember").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(Enumerable.Range(10, 10).Select(i => (long)i), output.GetProperty("secondMember").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(10, TopicReader.CommittedOffset(broker.BootstrapServers, "js-resume", "js-resume"));
        Assert.Equal("consumer", output.GetProperty("listed").GetProperty("protocolType").GetString());
        Assert.Equal("Empty", output.GetProperty("described").GetProperty("state").GetString());
        Assert.Equal(0, output.GetProperty("described").GetProperty("members").GetInt32());
    }

    [Fact]
    public async Task Deleting_an_empty_group_through_the_KafkaJS_admin_client_drops_its_committed_offsets()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "groups.mjs", ct, "--mode", "resume", "--topic", "js-deleted", "--group", "js-deleted", "--count", "4", "--delete-group");

        Assert.Equal(2, output.GetProperty("committedOffset").GetInt64());
        Assert.Equal(-1, output.GetProperty("committedOffsetAfterDelete").GetInt64());
        Assert.Equal(Confluent.Kafka.Offset.Unset.Value, TopicReader.CommittedOffset(broker.BootstrapServers, "js-deleted", "js-deleted"));
    }
}
