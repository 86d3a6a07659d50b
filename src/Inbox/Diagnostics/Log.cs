using Microsoft.Extensions.Logging;

namespace Outbox.Inbox.Diagnostics;

/// <summary>The inbox's log events; ids 3000-3999.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Inbox consumer {Consumer} of group {ConsumerGroup} started on topics {Topics}")]
    public static partial void ConsumerStarted(ILogger logger, string consumer, string consumerGroup, string topics);

    [LoggerMessage(3001, LogLevel.Information, "Inbox consumer {Consumer} stopped")]
    public static partial void ConsumerStopped(ILogger logger, string consumer);

    [LoggerMessage(3002, LogLevel.Information, "Inbox consumer {Consumer} was assigned {Partitions}")]
    public static partial void PartitionsAssigned(ILogger logger, string consumer, string partitions);

    [LoggerMessage(3003, LogLevel.Information, "Inbox consumer {Consumer} releases {Partitions}")]
    public static partial void PartitionsRevoked(ILogger logger, string consumer, string partitions);

    [LoggerMessage(3004, LogLevel.Warning, "Inbox consumer {Consumer} lost {Partitions} without a chance to commit")]
    public static partial void PartitionsLost(ILogger logger, string consumer, string partitions);

    [LoggerMessage(3005, LogLevel.Warning, "Records of {Partition} still running after {Timeout}; cancelling them, they will be read again by the next owner")]
    public static partial void DrainTimedOut(ILogger logger, string partition, TimeSpan timeout);

    [LoggerMessage(3006, LogLevel.Warning, "Committing offsets failed; retrying at the next interval")]
    public static partial void CommitFailed(ILogger logger, Exception exception);

    [LoggerMessage(3007, LogLevel.Warning, "Consuming failed; continuing")]
    public static partial void ConsumeFailed(ILogger logger, Exception exception);

    [LoggerMessage(3008, LogLevel.Warning, "Kafka client error {Code}: {Reason}")]
    public static partial void ClientError(ILogger logger, string code, string reason);

    [LoggerMessage(3009, LogLevel.Warning, "Seeking {Partition} to where it stopped after resuming it failed; its next fetch may come up to a second late")]
    public static partial void ResumeSeekFailed(ILogger logger, Exception exception, string partition);

    [LoggerMessage(3020, LogLevel.Warning, "Attempt {Attempt} of {MaxAttempts} to handle event {EventId} at {Position} failed; retrying in {Delay}")]
    public static partial void AttemptFailed(ILogger logger, Exception exception, int attempt, int maxAttempts, Guid eventId, string position, TimeSpan delay);

    [LoggerMessage(3021, LogLevel.Error, "Record at {Position} sent to dead-letter topic {DeadLetterTopic}: {Reason}")]
    public static partial void DeadLettered(ILogger logger, string position, string deadLetterTopic, string reason);

    [LoggerMessage(3022, LogLevel.Information, "Event {EventId} at {Position} parked: {Reason}")]
    public static partial void Parked(ILogger logger, Guid eventId, string position, string reason);

    [LoggerMessage(3023, LogLevel.Debug, "Event {EventId} at {Position} was already handled by group {ConsumerGroup}; skipped")]
    public static partial void Duplicate(ILogger logger, Guid eventId, string position, string consumerGroup);

    [LoggerMessage(3024, LogLevel.Debug, "Message type {MessageType} at {Position} has no handler in this group; skipped")]
    public static partial void NoHandler(ILogger logger, string messageType, string position);

    [LoggerMessage(3027, LogLevel.Debug, "The record at {Position} is a redelivery for consumer group {Recipient}; skipped")]
    public static partial void RedeliveryForAnotherGroup(ILogger logger, string position, string recipient);

    [LoggerMessage(3025, LogLevel.Error, "Finishing the record at {Position} failed (database or dead-letter topic unavailable?); trying again in {Delay}")]
    public static partial void InfrastructureFailed(ILogger logger, Exception exception, string position, TimeSpan delay);

    [LoggerMessage(3026, LogLevel.Critical, "The record at {Position} stopped with an unexpected error; later records of its key wait until the partition is reassigned")]
    public static partial void RecordFaulted(ILogger logger, Exception exception, string position);

    [LoggerMessage(3040, LogLevel.Information, "Released {Count} parked events of key {Key} on {Topic}")]
    public static partial void Released(ILogger logger, int count, string key, string topic);

    [LoggerMessage(3041, LogLevel.Information, "Event {EventId} requeued from {DeadLetterTopic} to {Topic}")]
    public static partial void Requeued(ILogger logger, Guid eventId, string deadLetterTopic, string topic);

    [LoggerMessage(3042, LogLevel.Information, "Event {EventId} abandoned by an operator; key {Key} unblocked")]
    public static partial void Abandoned(ILogger logger, Guid eventId, string key);

    [LoggerMessage(3060, LogLevel.Information, "Deleted {Count} inbox rows older than {Cutoff}")]
    public static partial void RetentionDeleted(ILogger logger, int count, DateTime cutoff);
}
