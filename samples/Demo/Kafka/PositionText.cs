using Confluent.Kafka;

namespace Outbox.Samples.Demo.Kafka;

/// <summary>Positions written the way Kafka people say them: <c>topic[partition]@offset</c>.</summary>
public static class PositionText
{
    public static string Text(this TopicPartitionOffset position) => $"{position.Topic}[{position.Partition.Value}]@{position.Offset.Value}";
}
