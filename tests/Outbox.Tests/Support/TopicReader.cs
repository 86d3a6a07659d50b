using System.Text;
using System.Text.Json;
using Confluent.Kafka;

namespace Outbox.Tests.Support;

public sealed record ReadRecord(string? Key, OrderPlaced Message, IReadOnlyDictionary<string, string> Headers, int Partition, long Offset);

/// <summary>Reads every committed record of a topic (read_committed), up to the end of each partition.</summary>
public static class TopicReader
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task<IReadOnlyList<ReadRecord>> ReadAllAsync(string bootstrapServers, string topic) =>
        Task.Run<IReadOnlyList<ReadRecord>>(() =>
        {
            var config = new ConsumerConfig
            {
                BootstrapServers = bootstrapServers,
                GroupId = "reader-" + Guid.NewGuid().ToString("N"),
                IsolationLevel = IsolationLevel.ReadCommitted,
                EnablePartitionEof = true,
                EnableAutoCommit = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
            };
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
            var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
                .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning)).ToList();
            using var consumer = new ConsumerBuilder<string?, byte[]>(config).Build();
            consumer.Assign(partitions);
            var atEnd = new HashSet<int>();
            var records = new List<ReadRecord>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (atEnd.Count < partitions.Count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"Reading {topic} did not reach the end of every partition.");
                var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                if (result is null)
                {
                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    atEnd.Add(result.Partition.Value);
                    continue;
                }

                atEnd.Remove(result.Partition.Value);
                var headers = result.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
                var message = JsonSerializer.Deserialize<OrderPlaced>(result.Message.Value, Json)!;
                records.Add(new ReadRecord(result.Message.Key, message, headers, result.Partition.Value, result.Offset.Value));
            }

            return records;
        });
}
