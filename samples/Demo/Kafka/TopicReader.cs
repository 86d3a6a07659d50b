using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Samples.Demo.Kafka;

/// <summary>The demo's window onto the broker: a topic's records from the beginning, as a read_committed consumer sees them.</summary>
public static class TopicReader
{
    /// <summary>Waits for the first <paramref name="count"/> records of <paramref name="topic"/>, ordered by partition and offset.</summary>
    public static Task<IReadOnlyList<ConsumeResult<string?, byte[]>>> ReadAsync(string bootstrapServers, string topic, int count, CancellationToken cancellationToken) =>
        // Consume blocks its thread; keep it off the caller's.
        Task.Run(() => Read(bootstrapServers, topic, count, cancellationToken), cancellationToken);

    /// <summary>The value of a record's header as text, or null when the record has none.</summary>
    public static string? Header(this ConsumeResult<string?, byte[]> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var value) ? System.Text.Encoding.UTF8.GetString(value) : null;

    private static IReadOnlyList<ConsumeResult<string?, byte[]>> Read(string bootstrapServers, string topic, int count, CancellationToken cancellationToken)
    {
        // Assigned partitions, no group membership: reading here moves no consumer group's offsets.
        using var consumer = new ConsumerBuilder<string?, byte[]>(new KafkaClientOptions { BootstrapServers = bootstrapServers }.CreateConsumerConfig("demo-reader")).Build();
        using (var admin = new DependentAdminClientBuilder(consumer.Handle).Build())
        {
            var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions;
            consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        }

        var records = new List<ConsumeResult<string?, byte[]>>();
        while (records.Count < count)
        {
            records.Add(consumer.Consume(cancellationToken));
        }

        return records.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value).ToList();
    }
}
