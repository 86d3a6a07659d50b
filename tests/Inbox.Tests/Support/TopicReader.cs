using System.Text;
using Confluent.Kafka;
using Xunit;

namespace Outbox.Inbox.Tests.Support;

/// <summary>Reads a whole topic (every partition from the start) without a group, e.g. a dead-letter topic.</summary>
internal static class TopicReader
{
    public static List<ConsumeResult<byte[]?, byte[]?>> ReadAtLeast(string bootstrapServers, string topic, int count)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        while (true)
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single();
            if (metadata.Error.Code == ErrorCode.NoError && metadata.Partitions.Count > 0)
            {
                using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
                {
                    BootstrapServers = bootstrapServers,
                    GroupId = "topic-reader",
                    EnableAutoCommit = false,
                    EnablePartitionEof = true,
                    IsolationLevel = IsolationLevel.ReadCommitted,
                }).Build();
                consumer.Assign(metadata.Partitions.Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)));
                records.Clear();
                var endOfPartitions = 0;
                while (endOfPartitions < metadata.Partitions.Count && DateTime.UtcNow < deadline)
                {
                    var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                    if (result is null)
                    {
                        continue;
                    }

                    if (result.IsPartitionEOF)
                    {
                        endOfPartitions++;
                        continue;
                    }

                    records.Add(result);
                }

                consumer.Close();
                if (records.Count >= count)
                {
                    return records;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"{topic} holds {records.Count} records, expected at least {count}.");
            Thread.Sleep(200);
        }
    }

    public static string Header(ConsumeResult<byte[]?, byte[]?> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : throw new KeyNotFoundException($"Header {name} is missing.");
}
