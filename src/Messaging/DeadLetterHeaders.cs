namespace Outbox.Messaging;

/// <summary>
/// Names of the headers added to a record sent to a dead-letter topic. The record keeps its original
/// key, value and headers; these say why it failed and where it came from, so an operator can fix the
/// cause and requeue it. The Inbox and Transactions write the same names.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The prefix every dead-letter header starts with; a requeue removes the headers that have it.</summary>
    public const string Prefix = "dlt-";

    /// <summary>A short machine-readable reason, for example <c>handler-failed</c> or <c>deserialization-failed</c>.</summary>
    public const string Reason = "dlt-reason";

    /// <summary>The full name of the exception type of the last failure, when there was one.</summary>
    public const string ExceptionType = "dlt-exception-type";

    /// <summary>The message of the last exception, when there was one.</summary>
    public const string ExceptionMessage = "dlt-exception-message";

    /// <summary>The stack trace of the last exception, when there was one.</summary>
    public const string StackTrace = "dlt-stack-trace";

    /// <summary>The topic the record was consumed from.</summary>
    public const string OriginalTopic = "dlt-original-topic";

    /// <summary>The partition the record was consumed from, as a decimal number.</summary>
    public const string OriginalPartition = "dlt-original-partition";

    /// <summary>The offset of the record in its original partition, as a decimal number.</summary>
    public const string OriginalOffset = "dlt-original-offset";

    /// <summary>The original record timestamp, in milliseconds since the Unix epoch, as a decimal number.</summary>
    public const string OriginalTimestamp = "dlt-original-timestamp";

    /// <summary>The consumer group that gave up on the record.</summary>
    public const string ConsumerGroup = "dlt-consumer-group";

    /// <summary>How many times the record was attempted, as a decimal number.</summary>
    public const string Attempts = "dlt-attempts";

    /// <summary>When the record was dead-lettered, as an RFC 3339 timestamp (see <see cref="MessageEnvelope.FormatTime"/>).</summary>
    public const string FailedAt = "dlt-failed-at";

    /// <summary>On a parked record: the event id whose failure blocks the record's key.</summary>
    public const string BlockedBy = "dlt-blocked-by";
}
