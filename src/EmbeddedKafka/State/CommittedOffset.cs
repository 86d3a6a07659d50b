namespace Outbox.EmbeddedKafka.State;

/// <summary>An offset a group committed for one partition.</summary>
internal sealed record CommittedOffset(long Offset, int LeaderEpoch, string? Metadata, long CommitTimestamp);
