using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Transactions.Internal.Processing;

/// <summary>Builds output records: the payload, a new envelope caused by the input, and its Kafka headers.</summary>
internal sealed class OutputRecordFactory(MessageTypeRegistry registry, IMessageSerializer serializer, string source, TimeProvider time)
{
    public OutputRecord Create(MessageEnvelope input, string topic, object message, string? key)
    {
        var type = message.GetType();
        var inputId = input.Id.ToString();
        var activity = Activity.Current;
        var envelope = new MessageEnvelope
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Type = registry.GetName(type),
            Source = source,
            Time = time.GetUtcNow(),
            ContentType = serializer.ContentType,
            Key = key,
            CausationId = inputId,
            // The input's correlation id carries the conversation on; an input without one starts it.
            CorrelationId = input.CorrelationId ?? inputId,
            TraceParent = activity?.Id ?? input.TraceParent,
            TraceState = activity is null ? input.TraceState : activity.TraceStateString,
            Payload = serializer.Serialize(message, type),
        };
        return new OutputRecord(topic, new Message<byte[]?, byte[]?>
        {
            Key = key is null ? null : Encoding.UTF8.GetBytes(key),
            Value = envelope.Payload.ToArray(),
            Headers = envelope.ToKafkaHeaders(),
        });
    }
}
