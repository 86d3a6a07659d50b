namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>The kinds of resource DescribeConfigs and AlterConfigs address (Kafka's ConfigResource.Type).</summary>
internal enum ConfigResourceType : sbyte
{
    Topic = 2,
    Broker = 4,
}
