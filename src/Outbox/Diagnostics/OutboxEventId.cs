namespace Outbox.Diagnostics;

/// <summary>
/// The event ids of the outbox's log messages, in ranges by layer so they can be filtered:
/// relay 1000–1099, cleanup 1100–1199; capture (2000–2099) logs nothing on its hot path.
/// </summary>
public static class OutboxEventId
{
    /// <summary>The relay started (instance id, lane count).</summary>
    public const int RelayStarted = 1000;

    /// <summary>This instance took over a lane's lease.</summary>
    public const int LaneAcquired = 1001;

    /// <summary>This instance gave a lane up so another instance can share the work.</summary>
    public const int LaneReleased = 1002;

    /// <summary>This instance could not renew a lane's lease and stopped publishing it.</summary>
    public const int LaneLost = 1003;

    /// <summary>A batch was committed to Kafka and marked published.</summary>
    public const int BatchPublished = 1004;

    /// <summary>A new lane owner marked the batch named by the lane's checkpoint as published.</summary>
    public const int CheckpointSettled = 1005;

    /// <summary>A message can never be published (for example it is too large); it was set aside with its reason.</summary>
    public const int MessageUnpublishable = 1006;

    /// <summary>Publishing a batch failed; the relay retries it.</summary>
    public const int PublishFailed = 1007;

    /// <summary>The database could not be reached; the relay retries.</summary>
    public const int DatabaseUnavailable = 1008;

    /// <summary>Another producer with the lane's transactional id fenced this one.</summary>
    public const int ProducerFenced = 1009;

    /// <summary>The relay stopped.</summary>
    public const int RelayStopped = 1010;

    /// <summary>The broker could not be reached while preparing the relay; the relay retries.</summary>
    public const int KafkaUnavailable = 1011;

    /// <summary>The cleanup job deleted published messages older than the retention period.</summary>
    public const int CleanupCompleted = 1100;

    /// <summary>The cleanup job failed; it runs again at its next interval.</summary>
    public const int CleanupFailed = 1101;
}
