namespace Outbox.Messaging;

/// <summary>
/// Names of the Kafka headers every message carries. They follow the CloudEvents 1.0 Kafka protocol
/// binding in binary content mode (attributes as <c>ce_</c> headers, the payload as the record value),
/// so that tools which know CloudEvents understand our records without knowing this library.
/// </summary>
public static class MessageHeaders
{
    /// <summary>The CloudEvents specification version; always <see cref="SpecVersionValue"/>.</summary>
    public const string SpecVersion = "ce_specversion";

    /// <summary>The value of <see cref="SpecVersion"/> that this library writes.</summary>
    public const string SpecVersionValue = "1.0";

    /// <summary>The unique event id (a UUIDv7, so ids sort by creation time).</summary>
    public const string Id = "ce_id";

    /// <summary>The stable message type name from the <see cref="MessageTypeRegistry"/>.</summary>
    public const string Type = "ce_type";

    /// <summary>The URI reference naming the producer of the event.</summary>
    public const string Source = "ce_source";

    /// <summary>When the event was created, as an RFC 3339 timestamp.</summary>
    public const string Time = "ce_time";

    /// <summary>The media type of the payload (CloudEvents maps <c>datacontenttype</c> to this header).</summary>
    public const string ContentType = "content-type";

    /// <summary>The id shared by every message that belongs to one conversation or business process.</summary>
    public const string CorrelationId = "ce_correlationid";

    /// <summary>The id of the message that caused this one.</summary>
    public const string CausationId = "ce_causationid";

    /// <summary>The aggregate key; also the Kafka record key (CloudEvents partitioning extension).</summary>
    public const string PartitionKey = "ce_partitionkey";

    /// <summary>The W3C trace context <c>traceparent</c> of the activity that created the message.</summary>
    public const string TraceParent = "traceparent";

    /// <summary>The W3C trace context <c>tracestate</c> of the activity that created the message.</summary>
    public const string TraceState = "tracestate";

    /// <summary>
    /// The one consumer group a redelivered copy is meant for: an operator requeued it from a dead-letter topic, or
    /// the inbox released it after its key was unblocked. Every other group already saw the original and skips it.
    /// </summary>
    public const string RedeliveredTo = "redelivered-to";
}
