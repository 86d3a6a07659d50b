using Outbox.Messaging;
using System.Text;
using Confluent.Kafka;
using Outbox.Inbox.Internal.Pipeline.DeadLetter;
using Outbox.Inbox.Tests.Support;
using Xunit;

namespace Outbox.Inbox.Tests.Pipeline;

public sealed class DeadLetterRecordBuilderTests
{
    private static readonly DateTimeOffset FailedAt = new(2026, 11, 26, 21, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void The_dead_letter_copy_keeps_key_payload_and_original_headers_and_adds_every_reason_header()
    {
        var original = new Headers { { "ce_id", "id-1"u8.ToArray() }, { "custom", [1, 2, 3] }, { "custom", [4] } };
        var record = Records.At(42, "order-7", topic: "orders", partition: 2, headers: original, value: "{\"bad\":"u8.ToArray());
        Exception failure;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException e)
        {
            failure = e;
        }

        var message = DeadLetterRecordBuilder.Build(record, DeadLetterReason.HandlerFailed(failure, 5), "shipping", FailedAt);

        Assert.Equal(record.KeyBytes, message.Key);
        Assert.Equal(record.Value, message.Value);
        Assert.Equal(
            [("ce_id", "id-1"u8.ToArray()), ("custom", new byte[] { 1, 2, 3 }), ("custom", new byte[] { 4 })],
            message.Headers.Take(3).Select(h => (h.Key, h.GetValueBytes())));
        Assert.Equal("handler failed after 5 attempts", Text(message, DeadLetterHeaders.Reason));
        Assert.Equal("System.InvalidOperationException", Text(message, DeadLetterHeaders.ExceptionType));
        Assert.Equal("boom", Text(message, DeadLetterHeaders.ExceptionMessage));
        Assert.Contains(nameof(The_dead_letter_copy_keeps_key_payload_and_original_headers_and_adds_every_reason_header), Text(message, DeadLetterHeaders.StackTrace));
        Assert.Equal("orders", Text(message, DeadLetterHeaders.OriginalTopic));
        Assert.Equal("2", Text(message, DeadLetterHeaders.OriginalPartition));
        Assert.Equal("42", Text(message, DeadLetterHeaders.OriginalOffset));
        Assert.Equal(record.Timestamp.UnixTimestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(message, DeadLetterHeaders.OriginalTimestamp));
        Assert.Equal("shipping", Text(message, DeadLetterHeaders.ConsumerGroup));
        Assert.Equal("5", Text(message, DeadLetterHeaders.Attempts));
        Assert.Equal("2026-11-26T21:00:00.123Z", Text(message, DeadLetterHeaders.FailedAt));
        Assert.False(message.Headers.TryGetLastBytes(DeadLetterHeaders.BlockedBy, out _));
    }

    [Fact]
    public void A_parked_copy_names_the_event_blocking_its_key_and_has_no_exception_headers()
    {
        var blocker = Guid.CreateVersion7();
        var message = DeadLetterRecordBuilder.Build(Records.At(1, "k"), DeadLetterReason.BlockedByEarlierFailure(blocker), "shipping", FailedAt);

        Assert.Equal($"blocked by earlier failure of event {blocker}", Text(message, DeadLetterHeaders.Reason));
        Assert.Equal(blocker.ToString(), Text(message, DeadLetterHeaders.BlockedBy));
        Assert.Equal("0", Text(message, DeadLetterHeaders.Attempts));
        Assert.False(message.Headers.TryGetLastBytes(DeadLetterHeaders.ExceptionType, out _));
        Assert.False(message.Headers.TryGetLastBytes(DeadLetterHeaders.StackTrace, out _));
    }

    [Fact]
    public void Long_stack_traces_and_messages_are_truncated()
    {
        var failure = new InvalidOperationException(new string('m', 10_000));
        var message = DeadLetterRecordBuilder.Build(Records.At(1, "k"), DeadLetterReason.HandlerFailed(failure, 1), "g", FailedAt);

        Assert.Equal(DeadLetterRecordBuilder.MaxExceptionMessageLength, Text(message, DeadLetterHeaders.ExceptionMessage).Length);
        Assert.Equal(DeadLetterRecordBuilder.MaxStackTraceLength, Text(message, DeadLetterHeaders.StackTrace).Length);
        Assert.Equal("handler failed after 1 attempt", Text(message, DeadLetterHeaders.Reason));
    }

    [Fact]
    public void Dead_lettering_again_replaces_the_earlier_reason_headers_and_a_redelivery_removes_them()
    {
        var first = DeadLetterRecordBuilder.Build(Records.At(1, "k", headers: new Headers { { "ce_id", "x"u8.ToArray() } }), DeadLetterReason.UnknownType("a.b"), "g", FailedAt);
        var again = DeadLetterRecordBuilder.Build(Records.At(9, "k", headers: first.Headers), DeadLetterReason.MissingType(), "g", FailedAt);

        Assert.Single(again.Headers, h => h.Key == DeadLetterHeaders.Reason);
        Assert.Equal("missing ce_type header", Text(again, DeadLetterHeaders.Reason));
        Assert.Equal("9", Text(again, DeadLetterHeaders.OriginalOffset));

        var requeued = DeadLetterRecordBuilder.BuildRedelivery(new ConsumeResult<byte[]?, byte[]?> { Message = again }, "g");
        Assert.Equal(["ce_id", MessageHeaders.RedeliveredTo], requeued.Headers.Select(h => h.Key));
        Assert.Equal("g", Text(requeued, MessageHeaders.RedeliveredTo));
        Assert.Equal(again.Key, requeued.Key);
        Assert.Equal(again.Value, requeued.Value);
    }

    private static string Text(Message<byte[]?, byte[]?> message, string header)
    {
        Assert.True(message.Headers.TryGetLastBytes(header, out var bytes), $"Header {header} is missing.");
        return Encoding.UTF8.GetString(bytes);
    }

    [Fact]
    public void A_redelivery_of_a_redelivery_is_addressed_once_to_the_latest_group()
    {
        var first = DeadLetterRecordBuilder.BuildRedelivery(new ConsumeResult<byte[]?, byte[]?> { Message = new Message<byte[]?, byte[]?> { Headers = [] } }, "old");
        var again = DeadLetterRecordBuilder.BuildRedelivery(new ConsumeResult<byte[]?, byte[]?> { Message = first }, "new");

        Assert.Single(again.Headers, h => h.Key == MessageHeaders.RedeliveredTo);
        Assert.Equal("new", Text(again, MessageHeaders.RedeliveredTo));
    }
}
