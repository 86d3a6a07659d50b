namespace Outbox.ClaimCheck;

/// <summary>When payloads go to blob storage and how long they stay there.</summary>
public sealed class ClaimCheckOptions
{
    /// <summary>
    /// Payloads larger than this many bytes are claim-checked. Default 256 KiB: well under Kafka's default
    /// 1 MB record limit, leaving room for headers and batching.
    /// </summary>
    public int ThresholdBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// How long blobs are kept before the cleanup job deletes them. Keep it at least as long as the topics'
    /// retention plus the time dead-lettered records may wait for a requeue: a record whose blob is gone
    /// can only be dead-lettered. Default 14 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the cleanup job runs. Default hourly.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    internal string? Validate()
    {
        if (ThresholdBytes < 1)
        {
            return $"ClaimCheckOptions.ThresholdBytes must be positive, was {ThresholdBytes}.";
        }

        if (Retention <= TimeSpan.Zero)
        {
            return $"ClaimCheckOptions.Retention must be positive, was {Retention}.";
        }

        return CleanupInterval <= TimeSpan.Zero ? $"ClaimCheckOptions.CleanupInterval must be positive, was {CleanupInterval}." : null;
    }
}
