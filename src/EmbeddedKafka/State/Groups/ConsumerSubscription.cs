using Outbox.EmbeddedKafka.Protocol;
using Outbox.EmbeddedKafka.Protocol.Messages;

namespace Outbox.EmbeddedKafka.State.Groups;

/// <summary>Reads the topics a "consumer" protocol member subscribes to from its JoinGroup metadata.</summary>
internal static class ConsumerSubscription
{
    /// <summary>The subscribed topics, or null when the metadata is not a ConsumerProtocolSubscription.</summary>
    public static IReadOnlyList<string>? TryReadTopics(byte[] metadata)
    {
        try
        {
            var reader = new KafkaReader(metadata);
            var version = reader.ReadInt16();
            if (version < 0)
            {
                return null;
            }

            // Newer versions only append fields, so reading the fields this build knows is enough.
            var subscription = new ConsumerProtocolSubscription();
            subscription.Read(ref reader, Math.Min(version, ConsumerProtocolSubscription.HighestVersion));
            return subscription.Topics;
        }
        catch (KafkaProtocolException)
        {
            return null;
        }
    }
}
