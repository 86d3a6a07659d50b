using Confluent.Kafka;
using Xunit;

namespace Outbox.EmbeddedKafka.Tests.Transactions;

/// <summary>Client set-ups the transaction tests share.</summary>
internal static class Clients
{
    /// <summary>How long a blocking transactional call or a wait for records may take before the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static IProducer<string, string> TransactionalProducer(EmbeddedKafkaBroker broker, string transactionalId, int transactionTimeoutMs = 60_000) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            TransactionalId = transactionalId,
            TransactionTimeoutMs = transactionTimeoutMs,
            LingerMs = 1,
        }).Build();

    public static IProducer<string, string> IdempotentProducer(EmbeddedKafkaBroker broker) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1,
        }).Build();

    /// <summary>A consumer for assign(); librdkafka's default isolation level is read_committed, so it is always given.</summary>
    public static IConsumer<string, string> Consumer(EmbeddedKafkaBroker broker, IsolationLevel isolation, string groupId = "readers") =>
        new ConsumerBuilder<string, string>(ConsumerConfig(broker, isolation, groupId)).Build();

    public static ConsumerConfig ConsumerConfig(EmbeddedKafkaBroker broker, IsolationLevel isolation, string groupId) => new()
    {
        BootstrapServers = broker.BootstrapServers,
        GroupId = groupId,
        EnableAutoCommit = false,
        IsolationLevel = isolation,
        AutoOffsetReset = AutoOffsetReset.Earliest,
    };

    /// <summary>Consumes until <paramref name="done"/> says the records so far are enough; fails after <see cref="Timeout"/>.</summary>
    public static List<ConsumeResult<string, string>> ConsumeUntil(IConsumer<string, string> consumer, Func<List<ConsumeResult<string, string>>, bool> done)
    {
        var received = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow + Timeout;
        while (!done(received))
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {received.Count} records arrived within {Timeout}");
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is not null)
            {
                received.Add(result);
            }
        }

        return received;
    }

    /// <summary>Consumes until a record with <paramref name="lastValue"/> arrives; returns the values before it.</summary>
    public static List<ConsumeResult<string, string>> ConsumeUntilValue(IConsumer<string, string> consumer, string lastValue)
    {
        var received = ConsumeUntil(consumer, r => r.Count > 0 && r[^1].Message.Value == lastValue);
        received.RemoveAt(received.Count - 1);
        return received;
    }

    /// <summary>The low and high watermarks as the consumer's isolation level sees them (high = LSO under read_committed).</summary>
    public static (long Low, long High) Watermarks(IConsumer<string, string> consumer, TopicPartition partition)
    {
        var offsets = consumer.QueryWatermarkOffsets(partition, Timeout);
        return (offsets.Low.Value, offsets.High.Value);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <see cref="Timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(50, cancellationToken);
        }
    }
}
