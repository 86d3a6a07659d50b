using System.Text;
using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// Fills a topic once with records produced the way the Outbox relay does (CloudEvents headers, JSON payload).
/// Every invocation then reads it from the beginning with a fresh consumer group, so nothing is produced while
/// the clock runs and the inbox never sees an event id twice.
/// </summary>
internal static class BenchmarkTopic
{
    private static readonly JsonMessageSerializer Serializer = new();

    public static async Task FillAsync(string bootstrapServers, string topic, int records, int keys, CancellationToken cancellationToken = default)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new KafkaClientOptions { BootstrapServers = bootstrapServers }.CreateProducerConfig()).Build();
        var random = new Random(42);
        for (var i = 0; i < records; i++)
        {
            var message = new BenchmarkEvent { Id = $"order-{random.Next(keys)}" };
            var envelope = new MessageEnvelope
            {
                Id = Guid.CreateVersion7(),
                Type = "bench.event",
                Source = "/benchmarks",
                Time = DateTimeOffset.UtcNow,
                ContentType = Serializer.ContentType,
                Key = message.Id,
                Payload = Serializer.Serialize(message, typeof(BenchmarkEvent)),
            };
            producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(message.Id), Value = envelope.Payload.ToArray(), Headers = envelope.ToKafkaHeaders() });
        }

        producer.Flush(cancellationToken);
    }
}
