using System.Text.Json;
using Confluent.Kafka;
using Outbox.EmbeddedKafka.Tests.Support;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.KafkaJs;

/// <summary>KafkaJS transactional producers: commit, abort, open transactions, zombie fencing, timeouts and offsets sent in a transaction.</summary>
public sealed class KafkaJsTransactionTests
{
    private static readonly string[] Committed = ["committed-0", "committed-1", "committed-2", "committed-3", "committed-4"];
    private static readonly string[] Aborted = ["aborted-0", "aborted-1", "aborted-2", "aborted-3", "aborted-4"];
    private static readonly string[] Late = ["late-0", "late-1", "late-2"];
    private static readonly string[] Open = ["open-0", "open-1"];

    [Fact]
    public async Task Read_committed_consumers_see_committed_transactions_only_and_stop_at_an_open_one_while_read_uncommitted_consumers_see_everything()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "transactions.mjs", ct, "--topic", "js-txn");

        string[] committedView = [.. Committed, .. Late, .. Open, "after-open", "end"];
        Assert.Equal(committedView, Values(output.GetProperty("readCommitted")));
        Assert.Empty(Values(output.GetProperty("readPastOpenTransaction")));
        Assert.Equal([.. Committed, .. Aborted, .. Late, .. Open, "after-open"], Values(output.GetProperty("readUncommitted")));
        Assert.Equal(committedView, TopicReader.ValuesUpTo(broker.BootstrapServers, "js-txn", IsolationLevel.ReadCommitted, "end"));
        Assert.Equal(
            [.. Committed, .. Aborted, .. Late, .. Open, "after-open", "end"],
            TopicReader.ValuesUpTo(broker.BootstrapServers, "js-txn", IsolationLevel.ReadUncommitted, "end"));
    }

    [Fact]
    public async Task A_transaction_over_two_topics_commits_or_aborts_on_every_partition()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "transactions-multi.mjs", ct, "--topic-a", "js-multi-a", "--topic-b", "js-multi-b", "--partitions", "3");

        // Each partition got txn-p, txn-(p+3) (committed), aborted-p, aborted-(p+3) (aborted) and end.
        foreach (var (view, expected) in new[] { ("readCommitted", new[] { "txn", "txn", "end" }), ("readUncommitted", ["txn", "txn", "aborted", "aborted", "end"]) })
        {
            var records = KafkaJsRecord.ListFrom(output.GetProperty(view));
            var byPartition = records.GroupBy(r => (r.Topic, r.Partition)).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Offset).Select(r => r.Value!.Split('-')[0]).ToArray());
            Assert.Equal(6, byPartition.Count);
            Assert.All(byPartition.Values, values => Assert.Equal(expected, values));
        }
    }

    [Fact]
    public async Task A_second_producer_with_the_same_transactional_id_fences_the_first_and_aborts_its_open_transaction()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "fencing.mjs", ct, "--topic", "js-fencing");

        // Pre-KIP-588 request versions (Produce ≤7, EndTxn ≤1, as KafkaJS sends) get INVALID_PRODUCER_EPOCH, not PRODUCER_FENCED.
        Assert.Equal("INVALID_PRODUCER_EPOCH", output.GetProperty("zombieSendError").GetString());
        Assert.Equal("INVALID_PRODUCER_EPOCH", output.GetProperty("zombieCommitError").GetString());
        Assert.Equal(["survivor-0"], Values(output.GetProperty("readCommitted")));
        Assert.Equal(["survivor-0"], TopicReader.ValuesUpTo(broker.BootstrapServers, "js-fencing", IsolationLevel.ReadCommitted, "survivor-0"));
        Assert.Equal(["zombie-0", "survivor-0"], TopicReader.ValuesUpTo(broker.BootstrapServers, "js-fencing", IsolationLevel.ReadUncommitted, "survivor-0"));
    }

    [Fact]
    public async Task A_transaction_left_open_past_its_timeout_is_aborted_by_the_broker_and_its_producer_fenced()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "transaction-timeout.mjs", ct, "--topic", "js-txn-timeout", "--timeout-ms-txn", "1000");

        Assert.Equal(["after"], Values(output.GetProperty("readCommitted")));
        Assert.Equal("INVALID_PRODUCER_EPOCH", output.GetProperty("commitError").GetString());
        Assert.Equal(["after"], TopicReader.ValuesUpTo(broker.BootstrapServers, "js-txn-timeout", IsolationLevel.ReadCommitted, "after"));
        Assert.Equal(["expired-0", "after"], TopicReader.ValuesUpTo(broker.BootstrapServers, "js-txn-timeout", IsolationLevel.ReadUncommitted, "after"));
    }

    [Fact]
    public async Task Offsets_sent_in_a_transaction_are_committed_with_it_and_dropped_when_it_aborts()
    {
        var kafkaJs = KafkaJsScripts.Require();
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);

        var output = await kafkaJs.RunAsync(broker, "send-offsets.mjs", ct, "--input", "js-ctp-in", "--output", "js-ctp-out", "--group", "js-ctp");

        Assert.Equal(-1, output.GetProperty("committedOffsetWhilePending").GetInt64());
        Assert.Equal(5, output.GetProperty("committedOffsetAfterCommit").GetInt64());
        Assert.Equal(5, output.GetProperty("committedOffsetAfterAbort").GetInt64());
        Assert.Equal([5L, 6, 7, 8, 9], output.GetProperty("resumedOffsets").EnumerateArray().Select(e => e.GetInt64()));
        string[] committedOutput = ["out-0", "out-1", "out-2", "out-3", "out-4", "end"];
        Assert.Equal(committedOutput, Values(output.GetProperty("output")));
        Assert.Equal(committedOutput, TopicReader.ValuesUpTo(broker.BootstrapServers, "js-ctp-out", IsolationLevel.ReadCommitted, "end"));
        Assert.Equal(5, TopicReader.CommittedOffset(broker.BootstrapServers, "js-ctp", "js-ctp-in"));
    }

    private static string[] Values(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
