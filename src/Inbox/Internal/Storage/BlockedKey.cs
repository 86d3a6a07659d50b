namespace Outbox.Inbox.Internal.Storage;

/// <summary>
/// An aggregate key whose events the consumer group must not handle yet. Blocked: an event of the key
/// was dead-lettered (<see cref="FailedEventId"/>) and later events are parked. Releasing: the failed
/// event was handled or abandoned and the parked events are being replayed in order; new events of the
/// key are parked behind them until none is left.
/// </summary>
internal sealed class BlockedKey
{
    public required string ConsumerGroup { get; init; }

    public required string Topic { get; init; }

    public required string Key { get; init; }

    /// <summary>The dead-lettered event blocking the key; null while releasing.</summary>
    public Guid? FailedEventId { get; set; }

    /// <summary>Where the failed event sits in the dead-letter topic, for requeueing.</summary>
    public int? DeadLetterPartition { get; set; }

    public long? DeadLetterOffset { get; set; }

    public required DateTime BlockedAt { get; set; }
}
