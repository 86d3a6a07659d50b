using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Outbox.Messaging;

namespace Outbox.Internal.Capture;

/// <summary>
/// Turns a message given to <see cref="IOutbox"/> into an outbox row: type name, topic, lane,
/// serialized payload and the envelope headers. Singleton; holds no per-save state.
/// </summary>
internal sealed class OutboxMessageFactory(IOptions<OutboxOptions> options, TimeProvider time, RelaySignal signal)
{
    private readonly OutboxOptions _options = options.Value;

    public PendingOutboxMessage Create(object message, Type type, string key, OutboxMessageOptions? messageOptions)
    {
        var activity = Activity.Current;
        return new PendingOutboxMessage(
            message,
            type,
            key,
            messageOptions,
            Guid.CreateVersion7(time.GetUtcNow()),
            time.GetUtcNow(),
            activity?.Context ?? default,
            activity?.TraceStateString,
            this);
    }

    public CapturedOutboxMessage Capture(PendingOutboxMessage pending)
    {
        var typeName = _options.Types.GetName(pending.MessageType);
        var payload = _options.Serializer.Serialize(pending.Message, pending.MessageType);
        var envelope = new MessageEnvelope
        {
            Id = pending.EventId,
            Type = typeName,
            Source = _options.Source,
            Time = pending.CreatedAt,
            ContentType = _options.Serializer.ContentType,
            Key = pending.Key,
            CorrelationId = pending.Options?.CorrelationId,
            CausationId = pending.Options?.CausationId,
            TraceParent = pending.TraceContext == default ? null : TraceParentOf(pending.TraceContext),
            TraceState = pending.TraceState,
            Payload = payload,
        };

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in envelope.ToKafkaHeaders())
        {
            headers[header.Key] = System.Text.Encoding.UTF8.GetString(header.GetValueBytes());
        }

        return new CapturedOutboxMessage(
            LaneHasher.LaneOf(pending.Key, _options.LaneCount),
            pending.Options?.Topic ?? _options.TopicFor(pending.MessageType, typeName),
            pending.Key,
            pending.EventId,
            typeName,
            JsonSerializer.Serialize(headers, OutboxJsonContext.Default.DictionaryStringString),
            payload,
            pending.CreatedAt.UtcDateTime,
            signal);
    }

    private static string TraceParentOf(ActivityContext context) =>
        $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{((context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";
}
