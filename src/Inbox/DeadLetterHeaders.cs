namespace Outbox.Inbox;

/// <summary>
/// Headers the inbox adds to a record it sends to a dead-letter topic, after the original headers,
/// which stay unchanged (as does the payload and key). Requeueing removes them again.
/// </summary>
public static class DeadLetterHeaders
{
    /// <summary>The prefix shared by every dead-letter header.</summary>
    public const string Prefix = "outbox-dlt-";

    /// <summary>Why the record was dead-lettered or parked, for example <c>blocked by earlier failure of event …</c>.</summary>
    public const string Reason = "outbox-dlt-reason";

    /// <summary>The full name of the exception type of the last failure, when there was one.</summary>
    public const string ExceptionType = "outbox-dlt-exception-type";

    /// <summary>The message of the last failure's exception.</summary>
    public const string ExceptionMessage = "outbox-dlt-exception-message";

    /// <summary>The stack trace of the last failure's exception, truncated.</summary>
    public const string StackTrace = "outbox-dlt-stack-trace";

    /// <summary>The topic the record was consumed from.</summary>
    public const string OriginalTopic = "outbox-dlt-original-topic";

    /// <summary>The partition the record was consumed from.</summary>
    public const string OriginalPartition = "outbox-dlt-original-partition";

    /// <summary>The offset the record was consumed from.</summary>
    public const string OriginalOffset = "outbox-dlt-original-offset";

    /// <summary>The original record timestamp, in Unix milliseconds.</summary>
    public const string OriginalTimestamp = "outbox-dlt-original-timestamp";

    /// <summary>The consumer group that gave up on the record.</summary>
    public const string ConsumerGroup = "outbox-dlt-consumer-group";

    /// <summary>How many times the handler ran (0 when the record was never handed to it).</summary>
    public const string Attempts = "outbox-dlt-attempts";

    /// <summary>When the record was dead-lettered, as an RFC 3339 timestamp.</summary>
    public const string FailedAt = "outbox-dlt-failed-at";

    /// <summary>On a parked record: the event id whose failure blocks its key.</summary>
    public const string BlockedBy = "outbox-dlt-blocked-by";
}
