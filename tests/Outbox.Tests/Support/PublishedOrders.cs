using System.Text;
using System.Text.Json;
using Outbox.Testing.Kafka;

namespace Outbox.Tests.Support;

public sealed record ReadRecord(string? Key, OrderPlaced Message, IReadOnlyDictionary<string, string> Headers, int Partition, long Offset);

/// <summary>The order events a topic holds for a read_committed reader, decoded.</summary>
public static class PublishedOrders
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IReadOnlyList<ReadRecord>> ReadAllAsync(string bootstrapServers, string topic) =>
        (await TopicReader.ReadAllAsync(bootstrapServers, topic))
            .Select(r => new ReadRecord(
                r.Message.Key is { } key ? Encoding.UTF8.GetString(key) : null,
                JsonSerializer.Deserialize<OrderPlaced>(r.Message.Value, Json)!,
                r.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes())),
                r.Partition.Value,
                r.Offset.Value))
            .ToList();
}
