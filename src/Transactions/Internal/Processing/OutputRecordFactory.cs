using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Outbox.ClaimCheck;
using Outbox.Messaging;

namespace Outbox.Transactions.Internal.Processing;

/// <summary>
/// Builds output records: the payload, a new envelope caused by the input, and its Kafka headers; with a claim
/// check registered, payloads over its threshold go to the store before the transaction commits.
/// </summary>
internal sealed class OutputRecordFactory(MessageTypeRegistry registry, IMessageSerializer serializer, string source, TimeProvider time, ClaimCheckProcessor? claimCheck = null)
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

    /// <summary>
    /// Moves each large output payload to the store under a key derived from its event id (a retried
    /// transaction rewrites the same blob) and puts the reference in the record.
    /// </summary>
    public async ValueTask CheckInAsync(IReadOnlyList<OutputRecord> records, CancellationToken cancellationToken)
    {
        if (claimCheck is null)
        {
            return;
        }

        foreach (var record in records)
        {
            var message = record.Message;
            if (message.Value is not { } payload || !Guid.TryParse(Encoding.UTF8.GetString(message.Headers.GetLastBytes(MessageHeaders.Id)), out var eventId))
            {
                continue;
            }

            var checkedIn = await claimCheck.CheckInAsync(eventId, payload, cancellationToken).ConfigureAwait(false);
            if (checkedIn.ReferenceHeader is { } reference)
            {
                message.Value = checkedIn.Value.ToArray();
                message.Headers.Add(ClaimCheckHeaders.Reference, reference.ToArray());
            }
        }
    }
}
