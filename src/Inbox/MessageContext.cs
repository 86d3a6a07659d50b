using Confluent.Kafka;

namespace Outbox.Inbox;

/// <summary>The envelope attributes and Kafka position of the message being handled.</summary>
public sealed class MessageContext
{
    internal MessageContext()
    {
    }

    /// <summary>The event id (the <c>ce_id</c> header, or one derived from the record's position when configured so).</summary>
    public required Guid EventId { get; init; }

    /// <summary>The stable message type name from the <c>ce_type</c> header.</summary>
    public required string MessageType { get; init; }

    /// <summary>The producer of the event (<c>ce_source</c>); empty when absent.</summary>
    public required string Source { get; init; }

    /// <summary>When the event was created (<c>ce_time</c>), or the record timestamp when the header is absent.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The aggregate key (the record key); null for an unkeyed record.</summary>
    public string? Key { get; init; }

    /// <summary>The conversation the event belongs to (<c>ce_correlationid</c>).</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the event that caused this one (<c>ce_causationid</c>).</summary>
    public string? CausationId { get; init; }

    /// <summary>The topic, partition and offset of the record.</summary>
    public required TopicPartitionOffset Position { get; init; }

    /// <summary>The record timestamp.</summary>
    public required Timestamp Timestamp { get; init; }

    /// <summary>All record headers, unchanged.</summary>
    public required Headers Headers { get; init; }

    /// <summary>The consumer group handling the record.</summary>
    public required string ConsumerGroup { get; init; }

    /// <summary>The attempt, starting at 1; above 1 the earlier attempts failed and were rolled back.</summary>
    public required int Attempt { get; init; }
}
