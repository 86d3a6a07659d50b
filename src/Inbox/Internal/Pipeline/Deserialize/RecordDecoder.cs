using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Options;
using Outbox.Inbox.Internal.Consuming;
using Outbox.Inbox.Internal.Pipeline.DeadLetter;
using Outbox.Messaging;

namespace Outbox.Inbox.Internal.Pipeline.Deserialize;

/// <summary>
/// Reads a record's event id and type from its CloudEvents headers and deserializes the payload.
/// Failures here are permanent (retrying would read the same bytes), so they come back as a
/// dead-letter reason instead of an exception.
/// </summary>
internal sealed class RecordDecoder
{
    private readonly MessageTypeRegistry _registry;
    private readonly IMessageSerializer _serializer;
    private readonly MissingEventIdHandling _missingEventId;

    public RecordDecoder(MessageTypeRegistry registry, IMessageSerializer serializer, IOptions<InboxOptions> options)
    {
        _registry = registry;
        _serializer = serializer;
        _missingEventId = options.Value.MissingEventId;
    }

    /// <summary>The record's event id, or one derived from its position when the header is missing and that is allowed.</summary>
    public bool TryReadEventId(ConsumedRecord record, out Guid eventId, out DeadLetterReason? failure)
    {
        failure = null;
        var text = Header(record.Headers, MessageHeaders.Id);
        if (Guid.TryParse(text, out eventId))
        {
            return true;
        }

        if (_missingEventId == MissingEventIdHandling.DeriveFromPosition)
        {
            eventId = DeriveEventId(record.Topic, record.Partition, record.Offset);
            return true;
        }

        failure = DeadLetterReason.MissingEventId(text is null ? "the header is absent" : $"'{text}' is not a UUID");
        return false;
    }

    /// <summary>Deserializes <paramref name="payload"/> (a claim-checked record's resolved payload) or, when null, the record's value.</summary>
    public bool TryDecode(ConsumedRecord record, Guid eventId, out DecodedRecord? decoded, out DeadLetterReason? failure, ReadOnlyMemory<byte>? payload = null)
    {
        decoded = null;
        failure = null;
        if (Header(record.Headers, MessageHeaders.Type) is not { Length: > 0 } typeName)
        {
            failure = DeadLetterReason.MissingType();
            return false;
        }

        if (!_registry.TryGetType(typeName, out var type))
        {
            failure = DeadLetterReason.UnknownType(typeName);
            return false;
        }

        object message;
        try
        {
            message = _serializer.Deserialize(payload is { } resolved ? resolved.Span : record.Value, type);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            failure = DeadLetterReason.DeserializationFailed(typeName, e);
            return false;
        }

        decoded = new DecodedRecord(record, eventId, typeName, type, message);
        return true;
    }

    /// <summary>A name-based UUID (version 8) of the record's position: the same record always gets the same id.</summary>
    public static Guid DeriveEventId(string topic, int partition, long offset)
    {
        var name = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{topic}/{partition}/{offset}"));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(name, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    public static string? Header(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;

    public static DateTimeOffset? ReadTime(Headers headers) =>
        DateTimeOffset.TryParse(Header(headers, MessageHeaders.Time), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time : null;
}
