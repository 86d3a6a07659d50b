using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

public sealed class FencingTests
{
    [Fact]
    public async Task A_transaction_open_past_its_timeout_is_aborted_and_its_producer_fenced()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { TransactionTimeoutCheckInterval = TimeSpan.FromMilliseconds(50) }, cancellationToken: ct);
        var partition = new TopicPartition("slow", 0);
        using var producer = Clients.TransactionalProducer(broker, "slow", transactionTimeoutMs: 1000);
        producer.InitTransactions(Clients.Timeout);
        producer.BeginTransaction();
        await producer.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "stuck" }, ct);

        using var committed = Clients.Consumer(broker, IsolationLevel.ReadCommitted);
        Assert.Equal((0L, 0L), Clients.Watermarks(committed, partition));
        await Clients.WaitUntilAsync(() => Clients.Watermarks(committed, partition) == (0, 2), "the broker aborted the transaction", ct);

        var error = Assert.ThrowsAny<KafkaException>(() => producer.CommitTransaction(Clients.Timeout));
        Assert.True(error.Error.IsFatal, $"expected a fatal error, got {error.Error}");

        // The aborted record stays in the log for read_uncommitted readers only.
        using var uncommitted = Clients.Consumer(broker, IsolationLevel.ReadUncommitted);
        uncommitted.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        Assert.Equal("stuck", Clients.ConsumeUntil(uncommitted, r => r.Count == 1)[0].Message.Value);

        using var successor = Clients.TransactionalProducer(broker, "slow", transactionTimeoutMs: 10_000);
        successor.InitTransactions(Clients.Timeout);
        successor.BeginTransaction();
        await successor.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "committed" }, ct);
        successor.CommitTransaction(Clients.Timeout);
        committed.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var records = Clients.ConsumeUntil(committed, r => r.Count == 1);
        Assert.Equal(("committed", 2L), (records[0].Message.Value, records[0].Offset.Value));
    }

    [Fact]
    public async Task A_second_producer_with_the_same_transactional_id_fences_the_first_and_aborts_its_transaction()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(cancellationToken: ct);
        var partition = new TopicPartition("fenced", 0);
        using var zombie = Clients.TransactionalProducer(broker, "shared-id");
        zombie.InitTransactions(Clients.Timeout);
        zombie.BeginTransaction();
        await zombie.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "zombie-1" }, ct);

        using var successor = Clients.TransactionalProducer(broker, "shared-id");
        successor.InitTransactions(Clients.Timeout);
        successor.BeginTransaction();
        await successor.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "successor" }, ct);

        // The zombie still believes its transaction is open: its next write and its commit fail for good.
        var produceError = await Assert.ThrowsAsync<ProduceException<string, string>>(
            () => zombie.ProduceAsync(partition, new Message<string, string> { Key = "k", Value = "zombie-2" }, ct));
        Assert.NotEqual(ErrorCode.NoError, produceError.Error.Code);
        var commitError = Assert.ThrowsAny<KafkaException>(() => zombie.CommitTransaction(Clients.Timeout));
        Assert.True(commitError.Error.IsFatal, $"expected a fatal error, got {commitError.Error}");

        successor.CommitTransaction(Clients.Timeout);
        using var committed = Clients.Consumer(broker, IsolationLevel.ReadCommitted);
        committed.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var records = Clients.ConsumeUntil(committed, r => r.Count == 1);
        Assert.Equal(("successor", 2L), (records[0].Message.Value, records[0].Offset.Value));
        Assert.Equal((0L, 4L), Clients.Watermarks(committed, partition));

        using var uncommitted = Clients.Consumer(broker, IsolationLevel.ReadUncommitted);
        uncommitted.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        Assert.Equal(["zombie-1", "successor"], Clients.ConsumeUntil(uncommitted, r => r.Count == 2).Select(r => r.Message.Value));
    }
}
