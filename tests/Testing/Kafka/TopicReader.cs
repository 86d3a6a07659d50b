using System.Text;
using Confluent.Kafka;
using Xunit;

namespace Outbox.Testing.Kafka;

/// <summary>
/// Reads what a topic holds for a read_committed reader: every partition from the start to its end, assigned
/// without a consumer group, as stored on the broker (a dead-letter topic, a pipeline's outputs).
/// </summary>
public static class TopicReader
{
    /// <summary>Reads the topic until it holds at least <paramref name="count"/> records, failing after 90 s.</summary>
    public static async Task<List<ConsumeResult<byte[]?, byte[]?>>> ReadAtLeastAsync(string bootstrapServers, string topic, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var records = await ReadAllAsync(bootstrapServers, topic);
            if (records.Count >= count)
            {
                return records;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{topic} held {records.Count} records, expected at least {count}.");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Every committed record of the topic now; empty when the topic does not exist yet.</summary>
    public static Task<List<ConsumeResult<byte[]?, byte[]?>>> ReadAllAsync(string bootstrapServers, string topic) =>
        Task.Run(() => ReadAll(bootstrapServers, topic));

    /// <summary>The last value of header <paramref name="name"/> as UTF-8 text, or null when the record has none.</summary>
    public static string? Header(ConsumeResult<byte[]?, byte[]?> record, string name)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
    }

    private static List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string bootstrapServers, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        if (metadata.Error.Code != ErrorCode.NoError || metadata.Partitions.Count == 0)
        {
            return records;
        }

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "topic-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        consumer.Assign(metadata.Partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
        var endOfPartitions = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (endOfPartitions < metadata.Partitions.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Reading {topic} did not reach the end of every partition within 30 s.");
            if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is not { } result)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                endOfPartitions++;
            }
            else
            {
                records.Add(result);
            }
        }

        return records;
    }
}
