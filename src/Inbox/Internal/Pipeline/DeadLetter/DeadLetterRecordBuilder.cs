using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Outbox.Inbox.Internal.Consuming;
using Outbox.Messaging;

namespace Outbox.Inbox.Internal.Pipeline.DeadLetter;

/// <summary>Builds the dead-letter copy of a record: key, payload and original headers unchanged, the reason headers appended.</summary>
internal static class DeadLetterRecordBuilder
{
    /// <summary>Stack traces are cut here so a deep one cannot push the record over the broker's size limit.</summary>
    public const int MaxStackTraceLength = 4000;

    /// <summary>Exception messages are cut here for the same reason.</summary>
    public const int MaxExceptionMessageLength = 2000;

    public static Message<byte[]?, byte[]?> Build(ConsumedRecord record, DeadLetterReason reason, string consumerGroup, DateTimeOffset failedAt)
    {
        var headers = new Headers();
        foreach (var header in record.Headers)
        {
            // A record dead-lettered again after a requeue carries only the latest reason.
            if (!header.Key.StartsWith(DeadLetterHeaders.Prefix, StringComparison.Ordinal))
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        Add(headers, DeadLetterHeaders.Reason, reason.Description);
        if (reason.Exception is { } exception)
        {
            Add(headers, DeadLetterHeaders.ExceptionType, exception.GetType().FullName ?? exception.GetType().Name);
            Add(headers, DeadLetterHeaders.ExceptionMessage, Truncate(exception.Message, MaxExceptionMessageLength));
            Add(headers, DeadLetterHeaders.StackTrace, Truncate(exception.ToString(), MaxStackTraceLength));
        }

        Add(headers, DeadLetterHeaders.OriginalTopic, record.Topic);
        Add(headers, DeadLetterHeaders.OriginalPartition, record.Partition.ToString(CultureInfo.InvariantCulture));
        Add(headers, DeadLetterHeaders.OriginalOffset, record.Offset.ToString(CultureInfo.InvariantCulture));
        Add(headers, DeadLetterHeaders.OriginalTimestamp, record.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture));
        Add(headers, DeadLetterHeaders.ConsumerGroup, consumerGroup);
        Add(headers, DeadLetterHeaders.Attempts, reason.Attempts.ToString(CultureInfo.InvariantCulture));
        Add(headers, DeadLetterHeaders.FailedAt, MessageEnvelope.FormatTime(failedAt));
        if (reason.BlockedBy is { } blockedBy)
        {
            Add(headers, DeadLetterHeaders.BlockedBy, blockedBy.ToString());
        }

        return new Message<byte[]?, byte[]?>
        {
            Key = record.KeyBytes,
            Value = record.Value,
            Headers = headers,
            Timestamp = new Timestamp(failedAt),
        };
    }

    /// <summary>The record to produce back to the original topic: the dead-letter headers removed, everything else unchanged.</summary>
    /// <summary>
    /// The copy of a dead-lettered record that goes back to its original topic for one consumer group: key, payload
    /// and original headers, without the reason headers, addressed to <paramref name="consumerGroup"/>.
    /// </summary>
    public static Message<byte[]?, byte[]?> BuildRedelivery(ConsumeResult<byte[]?, byte[]?> deadLetter, string consumerGroup)
    {
        var headers = new Headers();
        foreach (var header in deadLetter.Message.Headers ?? [])
        {
            if (!header.Key.StartsWith(DeadLetterHeaders.Prefix, StringComparison.Ordinal) && header.Key != MessageHeaders.RedeliveredTo)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        Add(headers, MessageHeaders.RedeliveredTo, consumerGroup);
        return new Message<byte[]?, byte[]?> { Key = deadLetter.Message.Key, Value = deadLetter.Message.Value, Headers = headers };
    }

    private static void Add(Headers headers, string name, string value) => headers.Add(name, Encoding.UTF8.GetBytes(value));

    private static string Truncate(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
