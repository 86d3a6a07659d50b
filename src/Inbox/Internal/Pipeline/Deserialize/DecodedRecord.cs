using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Internal.Pipeline.Deserialize;

/// <summary>A record whose envelope was read and whose payload was deserialized into its message class.</summary>
internal sealed record DecodedRecord(ConsumedRecord Record, Guid EventId, string TypeName, Type MessageType, object Message)
{
    public MessageContext CreateContext(string consumerGroup, int attempt)
    {
        var headers = Record.Headers;
        return new MessageContext
        {
            EventId = EventId,
            MessageType = TypeName,
            Source = RecordDecoder.Header(headers, Messaging.MessageHeaders.Source) ?? string.Empty,
            Time = RecordDecoder.ReadTime(headers) ?? Record.Timestamp.UtcDateTime,
            Key = Record.Key,
            CorrelationId = RecordDecoder.Header(headers, Messaging.MessageHeaders.CorrelationId),
            CausationId = RecordDecoder.Header(headers, Messaging.MessageHeaders.CausationId),
            Position = Record.TopicPartitionOffset,
            Timestamp = Record.Timestamp,
            Headers = headers,
            ConsumerGroup = consumerGroup,
            Attempt = attempt,
        };
    }
}
