using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

public sealed class OpenTransactionTests
{
    [Fact]
    public async Task An_open_transaction_holds_read_committed_at_the_last_stable_offset_until_it_commits()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        var partition = new TopicPartition("lso", 0);
        using var plain = Clients.IdempotentProducer(broker);
        await plain.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "before" }, ct);

        using var producer = Clients.TransactionalProducer(broker, "open");
        producer.InitTransactions(Clients.Timeout);
        producer.BeginTransaction();
        await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "in-transaction" }, ct);

        // Written after the transaction's first record, so below the LSO only once the transaction ends.
        await plain.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "after" }, ct);

        using var committed = Clients.Consumer(broker, IsolationLevel.ReadCommitted);
        using var uncommitted = Clients.Consumer(broker, IsolationLevel.ReadUncommitted);
        Assert.Equal((0L, 1L), Clients.Watermarks(committed, partition));
        Assert.Equal((0L, 3L), Clients.Watermarks(uncommitted, partition));

        uncommitted.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        Assert.Equal(["before", "in-transaction", "after"], Clients.ConsumeUntil(uncommitted, r => r.Count == 3).Select(r => r.Message.Value));

        committed.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var first = Clients.ConsumeUntil(committed, r => r.Count == 1);
        Assert.Equal("before", first[0].Message.Value);
        Assert.Null(committed.Consume(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(1, committed.Position(partition).Value);

        producer.CommitTransaction(Clients.Timeout);
        Assert.Equal(["in-transaction", "after"], Clients.ConsumeUntil(committed, r => r.Count == 2).Select(r => r.Message.Value));
        Assert.Equal((0L, 4L), Clients.Watermarks(committed, partition));
    }
}
