using System.Text;
using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Testing.Messages;

/// <summary>
/// Builds records the way this library's producers write them: the CloudEvents envelope in the
/// headers, the aggregate key as record key and the JSON-serialized message as value.
/// </summary>
public static class EnvelopeRecords
{
    private static readonly MessageTypeRegistry DefaultTypes = new();
    private static readonly JsonMessageSerializer Serializer = new();

    /// <summary>An envelope around <paramref name="message"/> with a fresh event id unless one is given.</summary>
    /// <param name="message">The message to serialize.</param>
    /// <param name="key">The aggregate key; null for an unkeyed record.</param>
    /// <param name="type">The message type name; by default the name a new <see cref="MessageTypeRegistry"/> gives the message's type.</param>
    /// <param name="id">The event id; a new UUIDv7 when null.</param>
    /// <param name="correlationId">The correlation id, if any.</param>
    /// <param name="traceParent">The W3C <c>traceparent</c>, if any.</param>
    /// <param name="source">The CloudEvents source.</param>
    public static MessageEnvelope Envelope(
        object message,
        string? key,
        string? type = null,
        Guid? id = null,
        string? correlationId = null,
        string? traceParent = null,
        string source = "/tests")
    {
        ArgumentNullException.ThrowIfNull(message);
        return new MessageEnvelope
        {
            Id = id ?? Guid.CreateVersion7(),
            Type = type ?? DefaultTypes.GetName(message.GetType()),
            Source = source,
            Time = DateTimeOffset.UtcNow,
            ContentType = Serializer.ContentType,
            Key = key,
            CorrelationId = correlationId,
            TraceParent = traceParent,
            Payload = Serializer.Serialize(message, message.GetType()),
        };
    }

    /// <summary>The Kafka record of <paramref name="envelope"/>, timestamped with the envelope's time.</summary>
    public static Message<byte[]?, byte[]?> Record(MessageEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        return new Message<byte[]?, byte[]?>
        {
            Key = envelope.Key is null ? null : Encoding.UTF8.GetBytes(envelope.Key),
            Value = envelope.Payload.ToArray(),
            Headers = envelope.ToKafkaHeaders(),
            Timestamp = new Timestamp(envelope.Time),
        };
    }
}
