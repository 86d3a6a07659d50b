using Microsoft.Extensions.Logging;

namespace Outbox.EmbeddedKafka;

/// <summary>Admin events: topics, partitions, deleted records and configs (ids 2100-2199).</summary>
internal static partial class Log
{
    [LoggerMessage(2100, LogLevel.Information, "Created topic {Topic} with {Partitions} partitions")]
    public static partial void TopicCreated(ILogger logger, string topic, int partitions);

    [LoggerMessage(2101, LogLevel.Information, "Deleted topic {Topic}")]
    public static partial void TopicDeleted(ILogger logger, string topic);

    [LoggerMessage(2102, LogLevel.Information, "Topic {Topic} now has {Partitions} partitions")]
    public static partial void PartitionsCreated(ILogger logger, string topic, int partitions);

    [LoggerMessage(2103, LogLevel.Information, "Deleted records of {Topic}-{Partition} before offset {Offset}")]
    public static partial void RecordsDeleted(ILogger logger, string topic, int partition, long offset);

    [LoggerMessage(2104, LogLevel.Information, "Changed the configs of topic {Topic}")]
    public static partial void TopicConfigsAltered(ILogger logger, string topic);
}
