using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

public sealed class TransactionStressTests
{
    private const int Producers = 3;
    private const int TransactionsEach = 15;
    private static readonly TopicPartition[] Partitions = [new("stress", 0), new("stress", 1)];

    [Fact]
    public async Task Concurrent_producers_with_random_aborts_leave_exactly_the_committed_records_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var broker = await EmbeddedKafkaBroker.StartAsync(new EmbeddedKafkaOptions { DefaultPartitions = Partitions.Length }, cancellationToken: ct);
        var committed = await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(() => RunProducerAsync(broker, p, ct), ct)));

        using (var sentinel = Clients.IdempotentProducer(broker))
        {
            foreach (var partition in Partitions)
            {
                await sentinel.ProduceAsync(partition, new Message<string, string> { Key = "end", Value = "end" }, ct);
            }
        }

        using var reader = Clients.Consumer(broker, IsolationLevel.ReadCommitted);
        reader.Assign(Partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        var received = Clients.ConsumeUntil(reader, r => r.Count(x => x.Message.Value == "end") == Partitions.Length)
            .Where(r => r.Message.Value != "end")
            .ToList();

        // Per producer and partition, the committed records arrive once each and in the order they were sent.
        var expected = committed.SelectMany(c => c).ToLookup(c => (c.Producer, c.Partition), c => c.Value);
        var actual = received.ToLookup(r => (r.Message.Key, r.Partition.Value), r => r.Message.Value);
        Assert.Equal(expected.Sum(g => g.Count()), received.Count);
        foreach (var group in expected)
        {
            Assert.Equal(group, actual[group.Key]);
        }
    }

    private static async Task<List<(string Producer, int Partition, string Value)>> RunProducerAsync(EmbeddedKafkaBroker broker, int index, CancellationToken cancellationToken)
    {
        var random = new Random(index);
        var name = $"producer-{index}";
        var committed = new List<(string, int, string)>();
        using var producer = Clients.TransactionalProducer(broker, name);
        producer.InitTransactions(Clients.Timeout);
        for (var transaction = 0; transaction < TransactionsEach; transaction++)
        {
            producer.BeginTransaction();
            var written = new List<(string, int, string)>();
            for (var record = random.Next(1, 7); record > 0; record--)
            {
                var partition = random.Next(Partitions.Length);
                var value = $"{name}/{transaction}/{record}";
                await producer.ProduceAsync(Partitions[partition], new Message<string, string> { Key = name, Value = value }, cancellationToken);
                written.Add((name, partition, value));
            }

            if (random.Next(3) == 0)
            {
                producer.AbortTransaction(Clients.Timeout);
            }
            else
            {
                producer.CommitTransaction(Clients.Timeout);
                committed.AddRange(written);
            }
        }

        return committed;
    }
}
