using Confluent.Kafka;

namespace Outbox.Inbox.Internal.Consuming;

/// <summary>One record as the consume loop received it, before anything is interpreted.</summary>
internal sealed class ConsumedRecord
{
    public required string Topic { get; init; }

    public required int Partition { get; init; }

    public required long Offset { get; init; }

    public required Timestamp Timestamp { get; init; }

    /// <summary>The record key as UTF-8 text (the aggregate key); null for an unkeyed record.</summary>
    public string? Key { get; init; }

    /// <summary>The raw record key, written back unchanged to dead-letter and requeued records.</summary>
    public byte[]? KeyBytes { get; init; }

    public byte[]? Value { get; init; }

    public Headers Headers { get; init; } = [];

    /// <summary>Bytes of key, value and headers as received, counted against the partition's buffer bound.</summary>
    public long Size { get; init; }

    public TopicPartitionOffset TopicPartitionOffset => new(Topic, new Partition(Partition), new Offset(Offset));
}
