using Microsoft.Extensions.Logging;

namespace Outbox.Diagnostics;

internal static partial class Log
{
    [LoggerMessage(OutboxEventId.RelayStarted, LogLevel.Information, "Outbox relay {Instance} started with {LaneCount} lanes")]
    public static partial void RelayStarted(ILogger logger, string instance, int laneCount);

    [LoggerMessage(OutboxEventId.LaneAcquired, LogLevel.Information, "Outbox relay {Instance} acquired lane {Lane}")]
    public static partial void LaneAcquired(ILogger logger, string instance, int lane);

    [LoggerMessage(OutboxEventId.LaneReleased, LogLevel.Information, "Outbox relay {Instance} released lane {Lane} to share the work")]
    public static partial void LaneReleased(ILogger logger, string instance, int lane);

    [LoggerMessage(OutboxEventId.LaneLost, LogLevel.Warning, "Outbox relay {Instance} lost the lease of lane {Lane}")]
    public static partial void LaneLost(ILogger logger, string instance, int lane);

    [LoggerMessage(OutboxEventId.BatchPublished, LogLevel.Debug, "Lane {Lane} published {Count} messages, ids {FirstId}..{LastId}")]
    public static partial void BatchPublished(ILogger logger, int lane, int count, long firstId, long lastId);

    [LoggerMessage(OutboxEventId.CheckpointSettled, LogLevel.Information, "Lane {Lane} settled its last committed batch of {Count} messages from the checkpoint")]
    public static partial void CheckpointSettled(ILogger logger, int lane, int count);

    [LoggerMessage(OutboxEventId.MessageUnpublishable, LogLevel.Error, "Lane {Lane} set aside message {Id} for topic {Topic}, which can never be published: {Reason}")]
    public static partial void MessageUnpublishable(ILogger logger, int lane, long id, string topic, string reason);

    [LoggerMessage(OutboxEventId.PublishFailed, LogLevel.Warning, "Lane {Lane} failed to publish a batch ({Action}); retrying in {Delay}")]
    public static partial void PublishFailed(ILogger logger, Exception exception, int lane, string action, TimeSpan delay);

    [LoggerMessage(OutboxEventId.DatabaseUnavailable, LogLevel.Warning, "Outbox database unavailable ({Operation}); retrying in {Delay}")]
    public static partial void DatabaseUnavailable(ILogger logger, Exception exception, string operation, TimeSpan delay);

    [LoggerMessage(OutboxEventId.ProducerFenced, LogLevel.Warning, "Lane {Lane}'s producer was fenced by a newer owner of the lane")]
    public static partial void ProducerFenced(ILogger logger, int lane);

    [LoggerMessage(OutboxEventId.RelayStopped, LogLevel.Information, "Outbox relay {Instance} stopped")]
    public static partial void RelayStopped(ILogger logger, string instance);

    [LoggerMessage(OutboxEventId.KafkaUnavailable, LogLevel.Warning, "Kafka unavailable ({Operation}); retrying in {Delay}")]
    public static partial void KafkaUnavailable(ILogger logger, Exception exception, string operation, TimeSpan delay);

    [LoggerMessage(OutboxEventId.CleanupCompleted, LogLevel.Information, "Outbox cleanup deleted {Count} published messages older than {Cutoff:O}")]
    public static partial void CleanupCompleted(ILogger logger, int count, DateTime cutoff);

    [LoggerMessage(OutboxEventId.CleanupFailed, LogLevel.Warning, "Outbox cleanup failed; it runs again at its next interval")]
    public static partial void CleanupFailed(ILogger logger, Exception exception);
}
