using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

public sealed class CommitAbortTests
{
    [Fact]
    public async Task Read_committed_skips_the_aborted_transaction_and_both_markers_take_an_offset()
    {
        // The layout confluent-kafka-dotnet's Transactions_Abort test pins: record, COMMIT, record, ABORT, record, COMMIT.
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        using (var producer = Clients.TransactionalProducer(broker, "commit-abort"))
        {
            producer.InitTransactions(Clients.Timeout);
            producer.BeginTransaction();
            await producer.ProduceAsync("events", new Message<string, string> { Key = "k0", Value = "committed-0" }, ct);
            producer.CommitTransaction(Clients.Timeout);
            producer.BeginTransaction();
            await producer.ProduceAsync("events", new Message<string, string> { Key = "k1", Value = "aborted-1" }, ct);
            producer.AbortTransaction(Clients.Timeout);
            producer.BeginTransaction();
            await producer.ProduceAsync("events", new Message<string, string> { Key = "k2", Value = "committed-2" }, ct);
            producer.CommitTransaction(Clients.Timeout);
        }

        var partition = new TopicPartition("events", 0);
        using (var committed = Clients.Consumer(broker, IsolationLevel.ReadCommitted))
        {
            committed.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
            var records = Clients.ConsumeUntil(committed, r => r.Count == 2);
            Assert.Equal(["committed-0", "committed-2"], records.Select(r => r.Message.Value));
            Assert.Equal([0L, 4L], records.Select(r => r.Offset.Value));
            Assert.Equal((0L, 6L), Clients.Watermarks(committed, partition));
        }

        using var uncommitted = Clients.Consumer(broker, IsolationLevel.ReadUncommitted);
        uncommitted.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var all = Clients.ConsumeUntil(uncommitted, r => r.Count == 3);
        Assert.Equal(["committed-0", "aborted-1", "committed-2"], all.Select(r => r.Message.Value));
        Assert.Equal([0L, 2L, 4L], all.Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task A_transaction_over_several_partitions_commits_or_aborts_on_all_of_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 3 }, cancellationToken: ct);
        using (var producer = Clients.TransactionalProducer(broker, "multi"))
        {
            producer.InitTransactions(Clients.Timeout);
            producer.BeginTransaction();
            for (var p = 0; p < 3; p++)
            {
                await producer.ProduceAsync(new TopicPartition("multi", p), new Message<string, string> { Key = "a", Value = $"aborted-{p}" }, ct);
            }

            producer.AbortTransaction(Clients.Timeout);
            producer.BeginTransaction();
            for (var p = 0; p < 3; p++)
            {
                await producer.ProduceAsync(new TopicPartition("multi", p), new Message<string, string> { Key = "c", Value = $"committed-{p}" }, ct);
            }

            producer.CommitTransaction(Clients.Timeout);

            // An empty transaction ends without touching any partition.
            producer.BeginTransaction();
            producer.CommitTransaction(Clients.Timeout);
        }

        using var consumer = Clients.Consumer(broker, IsolationLevel.ReadCommitted);
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset("multi", p, Offset.Beginning)));
        var records = Clients.ConsumeUntil(consumer, r => r.Count == 3);
        Assert.Equal(["committed-0", "committed-1", "committed-2"], records.Select(r => r.Message.Value).Order());
        Assert.All(records, r => Assert.Equal(2, r.Offset.Value));
        for (var p = 0; p < 3; p++)
        {
            Assert.Equal((0L, 4L), Clients.Watermarks(consumer, new TopicPartition("multi", p)));
        }
    }
}
