using System.Text;
using Confluent.Kafka;
using Xunit;

namespace Outbox.ClaimCheck.Tests.EndToEnd;

/// <summary>Reads committed records of a topic (every partition from the start) without a group, as stored on the broker.</summary>
internal static class TopicReader
{
    public static async Task<List<ConsumeResult<byte[]?, byte[]?>>> ReadAtLeastAsync(string bootstrapServers, string topic, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var records = ReadAll(bootstrapServers, topic);
            if (records.Count >= count)
            {
                return records;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{topic} held {records.Count} records, expected at least {count}.");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    public static string? Header(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

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
        while (endOfPartitions < metadata.Partitions.Count && DateTime.UtcNow < deadline)
        {
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
