using System.Text;
using Confluent.Kafka;

namespace Outbox.Transactions.Tests.Support;

/// <summary>Consumed input records and header reads for the pipeline's unit tests.</summary>
internal static class InputRecords
{
    public static ConsumeResult<byte[]?, byte[]?> Consumed(Message<byte[]?, byte[]?> message, string topic = "orders", int partition = 0, long offset = 0) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset(topic, partition, offset),
        Message = message,
    };

    public static string? Header(Headers headers, string name) =>
        headers.TryGetLastBytes(name, out var bytes) && bytes is not null ? Encoding.UTF8.GetString(bytes) : null;
}
