using System.Text;
using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// Records produced the way the Outbox relay does (CloudEvents headers, JSON payload). The end-to-end benchmarks
/// fill a topic once and every invocation reads it from the beginning with a fresh consumer group, so nothing is
/// produced while the clock runs and the inbox never sees an event id twice.
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
            producer.Produce(topic, Record($"order-{random.Next(keys)}"));
        }

        producer.Flush(cancellationToken);
    }

    /// <summary>A record of a new <see cref="BenchmarkEvent"/> (a fresh event id) for <paramref name="key"/>.</summary>
    public static Message<byte[]?, byte[]?> Record(string key)
    {
        var envelope = new MessageEnvelope
        {
            Id = Guid.CreateVersion7(),
            Type = "bench.event",
            Source = "/benchmarks",
            Time = DateTimeOffset.UtcNow,
            ContentType = Serializer.ContentType,
            Key = key,
            Payload = Serializer.Serialize(new BenchmarkEvent { Id = key }, typeof(BenchmarkEvent)),
        };
        return new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes(key), Value = envelope.Payload.ToArray(), Headers = envelope.ToKafkaHeaders() };
    }
}
