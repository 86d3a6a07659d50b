using System.Text;
using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Transactions.Tests.Support;

/// <summary>Builds input records as a producer of this library writes them: envelope headers plus a JSON value.</summary>
internal static class InputRecords
{
    public static MessageEnvelope Envelope(object message, string? key, string? correlationId = null, string? traceParent = null)
    {
        var registry = new MessageTypeRegistry();
        var serializer = new JsonMessageSerializer();
        return new MessageEnvelope
        {
            Id = Guid.CreateVersion7(),
            Type = registry.GetName(message.GetType()),
            Source = "/tests",
            Time = DateTimeOffset.UtcNow,
            ContentType = serializer.ContentType,
            Key = key,
            CorrelationId = correlationId,
            TraceParent = traceParent,
            Payload = serializer.Serialize(message, message.GetType()),
        };
    }

    public static Message<byte[]?, byte[]?> Message(MessageEnvelope envelope) => new()
    {
        Key = envelope.Key is null ? null : Encoding.UTF8.GetBytes(envelope.Key),
        Value = envelope.Payload.ToArray(),
        Headers = envelope.ToKafkaHeaders(),
        Timestamp = new Timestamp(envelope.Time),
    };

    public static ConsumeResult<byte[]?, byte[]?> Consumed(Message<byte[]?, byte[]?> message, string topic = "orders", int partition = 0, long offset = 0) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset(topic, partition, offset),
        Message = message,
    };

    public static string? Header(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;
}
