using Confluent.Kafka;
using Outbox.Inbox.Internal.Consuming;

namespace Outbox.Inbox.Tests.Support;

internal static class Records
{
    public static ConsumedRecord At(long offset, string? key, string topic = "orders", int partition = 0, Headers? headers = null, byte[]? value = null, long size = 0) => new()
    {
        Topic = topic,
        Partition = partition,
        Offset = offset,
        Timestamp = new Timestamp(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)),
        Key = key,
        KeyBytes = key is null ? null : System.Text.Encoding.UTF8.GetBytes(key),
        Value = value ?? [],
        Headers = headers ?? [],
        Size = size,
    };
}
