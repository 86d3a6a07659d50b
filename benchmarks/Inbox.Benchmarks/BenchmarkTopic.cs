using Confluent.Kafka;
using Outbox.Messaging;
using Outbox.Testing.Messages;

namespace Outbox.Inbox.Benchmarks;

/// <summary>
/// Records produced the way the Outbox relay does (CloudEvents headers, JSON payload). The end-to-end benchmarks
/// fill a topic once and every invocation reads it from the beginning with a fresh consumer group, so nothing is
/// produced while the clock runs and the inbox never sees an event id twice.
/// </summary>
internal static class BenchmarkTopic
{
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
    public static Message<byte[]?, byte[]?> Record(string key) =>
        EnvelopeRecords.Record(EnvelopeRecords.Envelope(new BenchmarkEvent { Id = key }, key, "bench.event", source: "/benchmarks"));
}
