using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

public sealed class ConsumeTransformProduceTests
{
    private const int PerPartition = 20;
    private const string Group = "copier";
    private static readonly TopicPartition[] Inputs = [new("in", 0), new("in", 1)];
    private static readonly TopicPartition Output = new("out", 0);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Output_holds_each_input_exactly_once_across_a_crash_of_the_processing_client(bool subscribe)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = 2 }, cancellationToken: ct);
        using (var seed = Clients.IdempotentProducer(broker))
        {
            for (var i = 0; i < PerPartition * Inputs.Length; i++)
            {
                await seed.ProduceAsync(Inputs[i % Inputs.Length], new Message<string, string> { Key = $"{i}", Value = $"in-{i}" }, ct);
            }
        }

        // The first instance commits two transactions, then dies in the third after sending records and offsets.
        await CopyAsync(broker, subscribe, crashInTransaction: 3, ct);
        await CopyAsync(broker, subscribe, crashInTransaction: null, ct);

        using (var sentinel = Clients.IdempotentProducer(broker))
        {
            await sentinel.ProduceAsync(Output, new Message<string, string> { Key = "end", Value = "end" }, ct);
        }

        var expected = Enumerable.Range(0, PerPartition * Inputs.Length).Select(i => $"out-{i}").Order().ToList();
        using var committed = Clients.Consumer(broker, IsolationLevel.ReadCommitted);
        committed.Assign(new TopicPartitionOffset(Output, Offset.Beginning));
        Assert.Equal(expected, Clients.ConsumeUntilValue(committed, "end").Select(r => r.Message.Value).Order());

        // The crashed transaction's records are in the log, aborted.
        using var uncommitted = Clients.Consumer(broker, IsolationLevel.ReadUncommitted);
        uncommitted.Assign(new TopicPartitionOffset(Output, Offset.Beginning));
        Assert.True(Clients.ConsumeUntilValue(uncommitted, "end").Count > expected.Count);
        using var group = Clients.Consumer(broker, IsolationLevel.ReadCommitted, Group);
        Assert.All(group.Committed(Inputs, Clients.Timeout), c => Assert.Equal(PerPartition, c.Offset.Value));
    }

    /// <summary>
    /// Copies "in" to "out" in transactions of up to five records, resuming from the group's committed
    /// offsets, as a member of the group (subscribe) or on its own (assign, generation -1).
    /// </summary>
    private static async Task CopyAsync(EmbeddedKafkaBroker broker, bool subscribe, int? crashInTransaction, CancellationToken cancellationToken)
    {
        // Fencing the previous instance first aborts its transaction, which releases the offsets it had staged.
        using var producer = Clients.TransactionalProducer(broker, "copier-1");
        producer.InitTransactions(Clients.Timeout);
        var config = Clients.ConsumerConfig(broker, IsolationLevel.ReadCommitted, Group);

        // A crashed member never leaves the group; a short session lets the next instance take over soon.
        config.SessionTimeoutMs = 2000;
        config.HeartbeatIntervalMs = 200;
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        if (subscribe)
        {
            consumer.Subscribe("in");
        }
        else
        {
            consumer.Assign(Inputs.Select(p => new TopicPartitionOffset(p, Offset.Stored)));
        }

        bool Done() => Inputs.All(p => consumer.Assignment.Contains(p) && consumer.Position(p).Value >= PerPartition);
        for (var transaction = 1; !Done(); transaction++)
        {
            var batch = Clients.ConsumeUntil(consumer, r => r.Count == 5 || (r.Count > 0 && Done()));
            producer.BeginTransaction();
            foreach (var record in batch)
            {
                await producer.ProduceAsync(Output, new Message<string, string> { Key = record.Message.Key, Value = record.Message.Value.Replace("in-", "out-", StringComparison.Ordinal) }, cancellationToken);
            }

            var next = batch.GroupBy(r => r.TopicPartition).Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1));
            producer.SendOffsetsToTransaction(next, consumer.ConsumerGroupMetadata, Clients.Timeout);
            if (transaction == crashInTransaction)
            {
                return; // disposed without commit or abort, as a crashed process would leave it
            }

            producer.CommitTransaction(Clients.Timeout);
        }
    }
}
