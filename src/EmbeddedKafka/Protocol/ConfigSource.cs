namespace Outbox.EmbeddedKafka.Protocol;

/// <summary>Where a described config value comes from (DescribeConfigs v1+).</summary>
internal enum ConfigSource : sbyte
{
    DynamicTopicConfig = 1,
    StaticBrokerConfig = 4,
    DefaultConfig = 5,
}
