using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Outbox.Messaging;

/// <summary>
/// A message as it travels through Kafka: the serialized payload plus the CloudEvents attributes
/// carried in the record headers (see <see cref="MessageHeaders"/>). The aggregate key is also the
/// record key, so every message of one aggregate lands on one partition.
/// </summary>
public sealed class MessageEnvelope
{
    /// <summary>The unique event id, a UUIDv7.</summary>
    public required Guid Id { get; init; }

    /// <summary>The stable message type name from the <see cref="MessageTypeRegistry"/>.</summary>
    public required string Type { get; init; }

    /// <summary>The URI reference naming the producer, for example <c>/orders-service</c>.</summary>
    public required string Source { get; init; }

    /// <summary>When the message was created.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The media type of <see cref="Payload"/>.</summary>
    public required string ContentType { get; init; }

    /// <summary>The aggregate key: the Kafka record key and <see cref="MessageHeaders.PartitionKey"/>; null for an unkeyed record.</summary>
    public string? Key { get; init; }

    /// <summary>The conversation or business process the message belongs to.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the message that caused this one.</summary>
    public string? CausationId { get; init; }

    /// <summary>The W3C <c>traceparent</c> of the activity that created the message.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The W3C <c>tracestate</c> of the activity that created the message.</summary>
    public string? TraceState { get; init; }

    /// <summary>The serialized message.</summary>
    public required ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>Writes the envelope's attributes as Kafka headers.</summary>
    /// <returns>New headers, one per attribute that has a value.</returns>
    public Headers ToKafkaHeaders()
    {
        var headers = new Headers();
        Add(headers, MessageHeaders.SpecVersion, MessageHeaders.SpecVersionValue);
        Add(headers, MessageHeaders.Id, Id.ToString());
        Add(headers, MessageHeaders.Type, Type);
        Add(headers, MessageHeaders.Source, Source);
        Add(headers, MessageHeaders.Time, FormatTime(Time));
        Add(headers, MessageHeaders.ContentType, ContentType);
        Add(headers, MessageHeaders.CorrelationId, CorrelationId);
        Add(headers, MessageHeaders.CausationId, CausationId);
        Add(headers, MessageHeaders.PartitionKey, Key);
        Add(headers, MessageHeaders.TraceParent, TraceParent);
        Add(headers, MessageHeaders.TraceState, TraceState);
        return headers;
    }

    /// <summary>Reads an envelope from a consumed record's headers and value.</summary>
    /// <param name="headers">The record headers.</param>
    /// <param name="payload">The record value.</param>
    /// <param name="envelope">The envelope, when the required attributes are present and valid.</param>
    /// <returns>Whether the record carries a valid envelope.</returns>
    public static bool TryRead(Headers headers, ReadOnlyMemory<byte> payload, [NotNullWhen(true)] out MessageEnvelope? envelope)
    {
        ArgumentNullException.ThrowIfNull(headers);
        envelope = null;
        if (!Guid.TryParse(Get(headers, MessageHeaders.Id), out var id)
            || Get(headers, MessageHeaders.Type) is not { Length: > 0 } type
            || !DateTimeOffset.TryParse(Get(headers, MessageHeaders.Time), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            return false;
        }

        envelope = new MessageEnvelope
        {
            Id = id,
            Type = type,
            Source = Get(headers, MessageHeaders.Source) ?? string.Empty,
            Time = time,
            ContentType = Get(headers, MessageHeaders.ContentType) ?? string.Empty,
            Key = Get(headers, MessageHeaders.PartitionKey),
            CorrelationId = Get(headers, MessageHeaders.CorrelationId),
            CausationId = Get(headers, MessageHeaders.CausationId),
            TraceParent = Get(headers, MessageHeaders.TraceParent),
            TraceState = Get(headers, MessageHeaders.TraceState),
            Payload = payload,
        };
        return true;
    }

    /// <summary>Formats a timestamp as RFC 3339 in UTC with millisecond precision, as <see cref="MessageHeaders.Time"/> carries it.</summary>
    /// <param name="time">The timestamp.</param>
    /// <returns>For example <c>2025-01-31T12:34:56.789Z</c>.</returns>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void Add(Headers headers, string name, string? value)
    {
        if (value is not null)
        {
            headers.Add(name, Encoding.UTF8.GetBytes(value));
        }
    }

    private static string? Get(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;
}
