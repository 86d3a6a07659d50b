namespace Outbox.Inbox.Internal.Storage;

/// <summary>An event held back because its key was blocked; a copy sits in the dead-letter topic until it is released.</summary>
internal sealed class ParkedEvent
{
    public required string ConsumerGroup { get; init; }

    public required Guid EventId { get; init; }

    public required string Topic { get; init; }

    public required string Key { get; init; }

    /// <summary>The order in which the key's parked events are released.</summary>
    public required long Sequence { get; init; }

    /// <summary>
    /// Where the parked record was consumed; the same position arriving again is a redelivery of the parked
    /// record, any other position is a released copy.
    /// </summary>
    public required int ParkedFromPartition { get; set; }

    public required long ParkedFromOffset { get; set; }

    public required int DeadLetterPartition { get; set; }

    public required long DeadLetterOffset { get; set; }

    /// <summary>True once the event was produced back to its topic, so a later release skips it; it is deleted when handled.</summary>
    public bool Released { get; set; }

    public required DateTime ParkedAt { get; set; }
}
