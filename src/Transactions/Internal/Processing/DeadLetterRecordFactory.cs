using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Outbox.Messaging;

namespace Outbox.Transactions.Internal.Processing;

/// <summary>
/// Builds the dead-letter record for an input that cannot be handled: the original key, value and headers,
/// plus the <see cref="DeadLetterHeaders"/> saying why and where from, so it can be requeued unchanged.
/// </summary>
internal sealed class DeadLetterRecordFactory(string deadLetterTopic, string consumerGroup, TimeProvider time)
{
    // Stack traces of deep async chains can be long; a header is not the place for all of it.
    private const int MaxStackTraceLength = 8 * 1024;

    public string Topic => deadLetterTopic;

    public OutputRecord Create(ConsumeResult<byte[]?, byte[]?> input, string reason, int attempts, Exception? exception)
    {
        var headers = new Headers();
        if (input.Message.Headers is { } original)
        {
            foreach (var header in original)
            {
                headers.Add(header.Key, header.GetValueBytes());
            }
        }

        Add(headers, DeadLetterHeaders.Reason, reason);
        if (exception is not null)
        {
            Add(headers, DeadLetterHeaders.ExceptionType, exception.GetType().FullName ?? exception.GetType().Name);
            Add(headers, DeadLetterHeaders.ExceptionMessage, exception.Message);
            var stackTrace = exception.ToString();
            Add(headers, DeadLetterHeaders.StackTrace, stackTrace.Length <= MaxStackTraceLength ? stackTrace : stackTrace[..MaxStackTraceLength]);
        }

        Add(headers, DeadLetterHeaders.OriginalTopic, input.Topic);
        Add(headers, DeadLetterHeaders.OriginalPartition, input.Partition.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, DeadLetterHeaders.OriginalOffset, input.Offset.Value.ToString(CultureInfo.InvariantCulture));
        Add(headers, DeadLetterHeaders.OriginalTimestamp, input.Message.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture));
        Add(headers, DeadLetterHeaders.ConsumerGroup, consumerGroup);
        Add(headers, DeadLetterHeaders.Attempts, attempts.ToString(CultureInfo.InvariantCulture));
        Add(headers, DeadLetterHeaders.FailedAt, MessageEnvelope.FormatTime(time.GetUtcNow()));
        return new OutputRecord(deadLetterTopic, new Message<byte[]?, byte[]?>
        {
            Key = input.Message.Key,
            Value = input.Message.Value,
            Headers = headers,
        });
    }

    private static void Add(Headers headers, string name, string value) => headers.Add(name, Encoding.UTF8.GetBytes(value));
}
