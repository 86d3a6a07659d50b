using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;

namespace Outbox.EmbeddedKafka.Tests.Support;

/// <summary>Encodes and decodes the "consumer" protocol's member metadata and assignments, as Kafka clients do.</summary>
internal static class ConsumerProtocol
{
    public static byte[] Subscription(params string[] topics)
    {
        var writer = new KafkaWriter();
        writer.WriteInt16(0);
        new ConsumerProtocolSubscription { Topics = [.. topics] }.Write(writer, 0);
        return writer.WrittenSpan.ToArray();
    }

    public static byte[] Assignment(string topic, params int[] partitions)
    {
        var writer = new KafkaWriter();
        writer.WriteInt16(0);
        new ConsumerProtocolAssignment
        {
            AssignedPartitions = [new ConsumerProtocolAssignment.TopicPartition { Topic = topic, Partitions = [.. partitions] }],
        }.Write(writer, 0);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>The partitions of <paramref name="topic"/> in an assignment.</summary>
    public static IReadOnlyList<int> AssignedPartitions(byte[] assignment, string topic)
    {
        if (assignment.Length == 0)
        {
            return [];
        }

        var reader = new KafkaReader(assignment);
        var version = reader.ReadInt16();
        var decoded = new ConsumerProtocolAssignment();
        decoded.Read(ref reader, Math.Min(version, ConsumerProtocolAssignment.HighestVersion));
        return [.. decoded.AssignedPartitions.Where(t => t.Topic == topic).SelectMany(t => t.Partitions).Order()];
    }
}
