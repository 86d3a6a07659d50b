using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Outbox.Transactions.Diagnostics;

/// <summary>Log events of transactional pipelines; event ids 5000-5099.</summary>
internal static partial class Log
{
    [LoggerMessage(5000, LogLevel.Information, "Pipeline {Pipeline} started: group {GroupId}, transactional id {TransactionalId}, topics {Topics}")]
    public static partial void Started(ILogger logger, string pipeline, string groupId, string transactionalId, string topics);

    [LoggerMessage(5001, LogLevel.Information, "Pipeline {Pipeline} stopped")]
    public static partial void Stopped(ILogger logger, string pipeline);

    [LoggerMessage(5002, LogLevel.Error, "Pipeline {Pipeline} failed and restarts in {Delay}")]
    public static partial void InstanceFailed(ILogger logger, Exception exception, string pipeline, TimeSpan delay);

    [LoggerMessage(5010, LogLevel.Debug, "Pipeline {Pipeline} committed a transaction of {Records} records in {ElapsedMs} ms")]
    public static partial void Committed(ILogger logger, string pipeline, int records, double elapsedMs);

    [LoggerMessage(5011, LogLevel.Warning, "Pipeline {Pipeline}: Kafka error {Code} ({Reason}); action {Action}")]
    public static partial void KafkaError(ILogger logger, Exception exception, string pipeline, ErrorCode code, string reason, Messaging.Kafka.KafkaErrorAction action);

    [LoggerMessage(5012, LogLevel.Information, "Pipeline {Pipeline} aborted its open transaction before its partitions were revoked")]
    public static partial void AbortedOnRevocation(ILogger logger, string pipeline);

    [LoggerMessage(5013, LogLevel.Error, "Pipeline {Pipeline} could not abort its transaction on revocation; the producer will be rebuilt")]
    public static partial void AbortOnRevocationFailed(ILogger logger, Exception exception, string pipeline);

    [LoggerMessage(5014, LogLevel.Information, "Pipeline {Pipeline} was assigned {Partitions}")]
    public static partial void Assigned(ILogger logger, string pipeline, string partitions);

    [LoggerMessage(5020, LogLevel.Information, "Pipeline {Pipeline} is losing {Partitions}")]
    public static partial void Revoked(ILogger logger, string pipeline, string partitions);

    [LoggerMessage(5015, LogLevel.Warning, "Pipeline {Pipeline} rebuilt its transactional producer {TransactionalId}")]
    public static partial void ProducerRecreated(ILogger logger, string pipeline, string transactionalId);

    [LoggerMessage(5016, LogLevel.Information, "Pipeline {Pipeline} rewound {Partitions} to the committed offsets")]
    public static partial void Rewound(ILogger logger, string pipeline, string partitions);

    [LoggerMessage(5019, LogLevel.Warning, "Pipeline {Pipeline}: consumer error {Code} ({Reason})")]
    public static partial void ConsumerError(ILogger logger, string pipeline, ErrorCode code, string reason);

    [LoggerMessage(5030, LogLevel.Warning, "Pipeline {Pipeline}: handler attempt {Attempt} of {MaxAttempts} failed for {TopicPartitionOffset}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string pipeline, int attempt, int maxAttempts, TopicPartitionOffset topicPartitionOffset);

    [LoggerMessage(5031, LogLevel.Error, "Pipeline {Pipeline} dead-lettered {TopicPartitionOffset} to {DeadLetterTopic}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string pipeline, TopicPartitionOffset topicPartitionOffset, string deadLetterTopic, string reason);

    [LoggerMessage(5032, LogLevel.Debug, "Pipeline {Pipeline}: the database effects of {TopicPartitionOffset} (event {EventId}) were committed by an earlier attempt; producing its outputs only")]
    public static partial void DatabaseEffectsAlreadyCommitted(ILogger logger, string pipeline, TopicPartitionOffset topicPartitionOffset, Guid eventId);

    [LoggerMessage(5035, LogLevel.Debug, "Pipeline {Pipeline}: {TopicPartitionOffset} is a redelivery for consumer group {Recipient}; skipped")]
    public static partial void RedeliveryForAnotherGroup(ILogger logger, string pipeline, TopicPartitionOffset topicPartitionOffset, string recipient);

    [LoggerMessage(5033, LogLevel.Information, "Pipeline {Pipeline} deleted {Deleted} inbox rows processed before {Cutoff:O}")]
    public static partial void RetentionDeleted(ILogger logger, string pipeline, int deleted, DateTime cutoff);

    [LoggerMessage(5034, LogLevel.Warning, "Pipeline {Pipeline} could not delete expired inbox rows; it tries again at the next interval")]
    public static partial void RetentionFailed(ILogger logger, Exception exception, string pipeline);

    [LoggerMessage(5040, LogLevel.Debug, "librdkafka {Client}: {Facility} {Message}")]
    public static partial void Client(ILogger logger, string client, string facility, string message);
}
